/**
 * The spawn helper on POSIX systems, in Perl (part of every Debian system as perl-base, and of macOS): a process of a
 * few megabytes forks in a fraction of the time a Node.js process of sixty does, which is most of what starting a
 * node costs. It does what `launchProcess` does, the same way: each process in a session (and process group) of its
 * own, stdin from /dev/null, stdout and stderr each a pipe of its own, the environment and folder asked for, `argv[0]`
 * as given, the exec's error reported through a close-on-exec pipe, and at exit whatever is left in the group
 * killed. It passes the output on as it reads it, as bytes: the engine splits and decodes it as it does a process's.
 *
 * Engine → helper, frames of `<length>\n<fields joined by NUL>`: first `E, name, value, name, value…`, the
 * environment the processes start from (the helper's own may not be it: `perl` or `python3` may be a version
 * manager's shim that adds its own variables before it runs the real one); then `S, id, file, argv0, cwd, argument
 * count, arguments…, count of names to unset, names…, name, value, name, value…` starts a process; `K, id` stops
 * reading one's output (it outlived its grace).
 * Helper → engine, lines (and bytes): `R <version>` ready; `S <id> <pid>` started; `F <id> <errno>` not started;
 * `O <id> <1|2> <length>` then that many bytes; `C <id> <1|2>` a stream closed; `G <id> <wait status>` reaped.
 */
export const PERL_SPAWNER_VERSION = 2;

export const PERL_SPAWNER = String.raw`
use strict; use warnings; use POSIX (); use IO::Select; use Fcntl;
$SIG{PIPE} = 'IGNORE';
my %base = %ENV;
my (%job, %live, %streams, %execs);
my $sel = IO::Select->new(\*STDIN);
pipe(my $wakeR, my $wakeW) or die "pipe: $!";
fcntl($wakeW, F_SETFL, fcntl($wakeW, F_GETFL, 0) | O_NONBLOCK);
$sel->add($wakeR);
$SIG{CHLD} = sub { syswrite($wakeW, 'x') };
sub quit { kill('KILL', -$_) for values %live; exit 0; }
# What one pass of the loop has to say leaves in one write, before the helper waits again: each write wakes the engine.
my $said = '';
sub emit { $said .= shift; }
sub flush_said {
  my $off = 0;
  while ($off < length $said) {
    my $n = syswrite(STDOUT, $said, length($said) - $off, $off);
    if (!defined $n) { next if $!{EINTR} || $!{EAGAIN}; quit(); }
    $off += $n;
  }
  $said = '';
}
sub start {
  my ($id, $file, $argv0, $cwd, $nargs, @rest) = @_;
  my @args = splice(@rest, 0, $nargs);
  my $nunset = shift @rest; my @unset = splice(@rest, 0, $nunset); my %set = @rest;
  my ($or, $ow, $er, $ew, $xr, $xw);
  if (!(pipe($or, $ow) && pipe($er, $ew) && pipe($xr, $xw))) { emit("F $id " . ($! + 0) . "\n"); return; }
  my $pid = fork();
  if (!defined $pid) { emit("F $id " . ($! + 0) . "\n"); return; }
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT'; $SIG{PIPE} = 'DEFAULT';
    POSIX::setsid();
    open(STDIN, '<', '/dev/null');
    POSIX::dup2(fileno($ow), 1); POSIX::dup2(fileno($ew), 2);
    %ENV = %base; delete @ENV{@unset}; @ENV{keys %set} = values %set;
    if (chdir($cwd)) { no warnings; exec { $file } $argv0, @args; }
    syswrite($xw, ($! + 0) . ''); POSIX::_exit(127);
  }
  close $ow; close $ew; close $xw;
  # Whether the exec worked is read once the pipe has something to say, so that the next fork need not wait.
  $job{$pid} = $id; $live{$id} = $pid;
  $streams{$id} = [[$or, $id, 1], [$er, $id, 2]];
  $execs{$id} = [$xr, $id, 'x'];
  $sel->add(@{ $streams{$id} }, $execs{$id});
}
# Reads how the exec went (at once: the child has exec'd or written why not) and reports it; false if it failed.
sub settle {
  my $id = shift; my $entry = delete $execs{$id}; return 1 unless $entry;
  my $xr = $entry->[0]; $sel->remove($entry);
  my $failed = '';
  1 while !defined sysread($xr, $failed, 16) && $!{EINTR};
  close $xr;
  my $pid = $live{$id};
  if ($failed eq '') { emit("S $id $pid\n"); return 1; }
  stop_reading($id); delete $live{$id}; delete $job{$pid}; waitpid($pid, 0);
  emit("F $id $failed\n");
  return 0;
}
sub stop_reading {
  my $id = shift;
  for my $entry (@{ delete $streams{$id} || [] }) { next unless defined fileno($entry->[0]); $sel->remove($entry); close $entry->[0]; }
}
sub read_stream {
  my $entry = shift; my ($fh, $id, $stream) = @$entry;
  return unless settle($id);
  my $n = sysread($fh, my $buf, 65536);
  return if !defined $n && ($!{EINTR} || $!{EAGAIN});
  if ($n) { emit("O $id $stream " . length($buf) . "\n" . $buf); return; }
  $sel->remove($entry); close $fh; emit("C $id $stream\n");
  delete $streams{$id} if !grep { defined fileno($_->[0]) } @{ $streams{$id} || [] };
}
sub reap {
  while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
    my $status = $?;
    my $id = $job{$pid}; next unless defined $id;
    next unless settle($id);
    delete $job{$pid}; kill('KILL', -$pid); delete $live{$id};
    emit("G $id $status\n");
  }
}
my $in = '';
sub read_requests {
  my $n = sysread(STDIN, $in, 65536, length $in);
  return if !defined $n && ($!{EINTR} || $!{EAGAIN});
  quit() if !$n;
  while ((my $nl = index($in, "\n")) >= 0) {
    my $len = substr($in, 0, $nl);
    last if length($in) < $nl + 1 + $len;
    my @f = split /\0/, substr($in, $nl + 1, $len), -1;
    substr($in, 0, $nl + 1 + $len) = '';
    my $kind = shift @f;
    if ($kind eq 'S') { start(@f); } elsif ($kind eq 'K') { stop_reading($f[0]); } elsif ($kind eq 'E') { %base = @f; }
  }
}
emit("R ${PERL_SPAWNER_VERSION}\n");
while (1) {
  flush_said();
  for my $entry ($sel->can_read()) {
    if (ref $entry eq 'ARRAY') { $entry->[2] eq 'x' ? settle($entry->[1]) : read_stream($entry); }
    elsif ($entry == $wakeR) { sysread($wakeR, my $drain, 512); }
    else { read_requests(); }
  }
  reap();
}
`;
