/**
 * The engine protocol: what the engine and its host (the editor's extension host, a server) say to each other, as
 * JSON lines. Both sides import this module; nothing else defines a message. Events are in ./events, requests and
 * their results in ./requests, everything the engine sends in ./messages.
 */
export * from './events';
export * from './requests';
export * from './messages';
