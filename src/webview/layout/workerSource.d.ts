/** The layout worker's bundled code, as text (made by the `maestro:layout-worker` plugin in esbuild.js). */
declare module 'maestro:layout-worker' {
  const source: string;
  export default source;
}
