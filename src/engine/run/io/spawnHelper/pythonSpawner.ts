/**
 * The spawn helper on Linux where Python 3.10 or later is installed. It speaks the Perl helper's protocol (see
 * perlSpawner.ts) and does what it does, but starts each process through `subprocess`, which since 3.10 uses
 * `vfork`: nothing of the helper is copied, where a Perl `fork` copies its page tables and faults in a hundred pages
 * or more before the `exec`. Run as `python3 -I -S`: no `PYTHON*` variable, user site or `site` module is read, and
 * no folder is put on its import path. An older Python exits at once (its `subprocess` forks), and a Perl helper
 * takes its place.
 *
 * The program is looked up on the PATH of the process's own environment, as `execvp` does; each process gets the
 * default action of the signals Python ignores (SIGPIPE, SIGXFSZ) and the helper's empty signal mask, as after a
 * Perl `fork` and `exec`. (`posix_spawn` would be cheaper still, but glibc's leaves its two internal signals ignored
 * in the process it starts.)
 */
import { PERL_SPAWNER_VERSION } from './perlSpawner';

export const PYTHON_SPAWNER = String.raw`
import errno, os, selectors, signal, subprocess, sys
if sys.version_info < (3, 10):
    sys.exit(3)
base = dict(os.environb)
sel = selectors.DefaultSelector()
wake_r, wake_w = os.pipe()
os.set_blocking(wake_r, False)
os.set_blocking(wake_w, False)
signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
signal.signal(signal.SIGCHLD, lambda *_: None)
devnull = os.open(os.devnull, os.O_RDONLY)
job, streams = {}, {}
said = []

def emit(b):
    said.append(b)

def flush_said():
    data = b''.join(said)
    said.clear()
    view = memoryview(data)
    while view:
        try:
            n = os.write(1, view)
        except InterruptedError:
            continue
        except OSError:
            quit()
        view = view[n:]

def quit():
    for pid in job:
        try:
            os.kill(-pid, signal.SIGKILL)
        except OSError:
            pass
    os._exit(0)

def start(f):
    ident, file, argv0, cwd, nargs = f[0], f[1], f[2], f[3], int(f[4])
    args = f[5:5 + nargs]
    rest = f[5 + nargs:]
    nunset = int(rest[0])
    env = dict(base)
    for k in rest[1:1 + nunset]:
        env.pop(k, None)
    pairs = rest[1 + nunset:]
    env.update(zip(pairs[0::2], pairs[1::2]))
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    try:
        process = subprocess.Popen([argv0] + args, executable=file, stdin=devnull, stdout=out_w, stderr=err_w, cwd=cwd, env=env, start_new_session=True, close_fds=False)
    except OSError as e:
        process = None
        failed = e.errno or errno.ENOENT
    except Exception:
        process = None
        failed = errno.EINVAL
    os.close(out_w)
    os.close(err_w)
    if process is None:
        os.close(out_r)
        os.close(err_r)
        emit(b'F %s %d\n' % (ident, failed))
        return
    job[process.pid] = (ident, process)
    streams[ident] = [out_r, err_r]
    sel.register(out_r, selectors.EVENT_READ, (ident, b'1'))
    sel.register(err_r, selectors.EVENT_READ, (ident, b'2'))
    emit(b'S %s %d\n' % (ident, process.pid))

def stop_reading(ident):
    for fd in streams.pop(ident, []):
        sel.unregister(fd)
        os.close(fd)

def read_stream(fd, ident, stream):
    try:
        data = os.read(fd, 65536)
    except (InterruptedError, BlockingIOError):
        return
    if data:
        emit(b'O %s %s %d\n' % (ident, stream, len(data)) + data)
        return
    sel.unregister(fd)
    os.close(fd)
    emit(b'C %s %s\n' % (ident, stream))
    left = [x for x in streams.get(ident, []) if x != fd]
    if left:
        streams[ident] = left
    else:
        streams.pop(ident, None)

def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        entry = job.pop(pid, None)
        if entry is None:
            continue
        ident, process = entry
        # Reaped here: the Popen object must not wait for it again.
        process.returncode = status
        try:
            os.kill(-pid, signal.SIGKILL)
        except OSError:
            pass
        emit(b'G %s %d\n' % (ident, status))

pending = b''
def read_requests():
    global pending, base
    try:
        data = os.read(0, 65536)
    except (InterruptedError, BlockingIOError):
        return
    if not data:
        quit()
    pending += data
    while True:
        nl = pending.find(b'\n')
        if nl < 0:
            return
        size = int(pending[:nl])
        if len(pending) < nl + 1 + size:
            return
        fields = pending[nl + 1:nl + 1 + size].split(b'\0')
        pending = pending[nl + 1 + size:]
        if fields[0] == b'S':
            start(fields[1:])
        elif fields[0] == b'K':
            stop_reading(fields[1])
        elif fields[0] == b'E':
            base = dict(zip(fields[1::2], fields[2::2]))

sel.register(0, selectors.EVENT_READ, 'requests')
sel.register(wake_r, selectors.EVENT_READ, 'wake')
emit(b'R ${PERL_SPAWNER_VERSION}\n')
while True:
    flush_said()
    for key, _ in sel.select():
        if key.data == 'requests':
            read_requests()
        elif key.data == 'wake':
            try:
                os.read(wake_r, 65536)
            except OSError:
                pass
        elif sel.get_map().get(key.fd) is key:
            # Not a stream closed, or its number reused, earlier in this pass.
            read_stream(key.fd, *key.data)
    reap()
`;
