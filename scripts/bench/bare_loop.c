/*
 * Bare fork/exec baseline for the Taskmaster benchmark: no supervisor, just the work every
 * supervisor must do. Usage:
 *   bare_loop [-o LIST] [-c PORT] [-C PERIOD_MS] N RESPAWN STOP_MS OUTFILE CMD [ARGS...]
 * Spawns N (0 allowed: the loop alone) copies of CMD (each in its own session, stdin and stderr
 * /dev/null), stdout to /dev/null, or when OUTFILE is not "-" through a pipe that the loop copies
 * into OUTFILE. With -o, LIST is a file of N paths, one a line: child i gets line i opened
 * (append, created 0640) as its stdout straight, no pipe and no copy (OUTFILE must be "-").
 * With -c, the loop connects to 127.0.0.1:PORT and closes at once for each live child, first at
 * its spawn and then every PERIOD_MS (default 1000) after the previous connect started: the floor
 * of a tcp health check per child.
 * Prints "pid P" per spawn, "ready" once N are spawned, "exit P" per reaped child. RESPAWN=1
 * re-forks a child as soon as it exits. Reads stdin lines: "stop" sends SIGTERM to every child's
 * process group, SIGKILL after STOP_MS, reaps them all and prints "stopped". On stdin EOF it
 * does the same and exits. Bounded: at most 100000 spawns, and it exits after 20 minutes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHILDREN 10000
static int sigpipe_fds[2];
static pid_t pids[MAX_CHILDREN];
static int outs[MAX_CHILDREN];
static char *out_paths[MAX_CHILDREN];
static long next_check[MAX_CHILDREN];
static int n, respawn, stop_ms, outfd = -1, stopping, spawns, check_port, check_ms = 1000;
static char **argv_cmd;

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* -o LIST: one path per child, read once; the files are opened at each spawn. */
static void read_out_paths(const char *list) {
  FILE *f = fopen(list, "r");
  if (!f) { perror(list); exit(1); }
  char line[4096];
  for (int i = 0; i < n; i++) {
    if (!fgets(line, sizeof line, f)) { fprintf(stderr, "%s: fewer than %d paths\n", list, n); exit(1); }
    line[strcspn(line, "\n")] = 0;
    out_paths[i] = strdup(line);
  }
  fclose(f);
}

/* One tcp check: connect to the loopback port and close at once (bounded by a 1 s timeout). */
static void tcp_check(void) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) { perror("socket"); return; }
  struct timeval tv = {1, 0};
  setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)check_port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) perror("check connect");
  close(s);
}

static void on_chld(int sig) {
  (void)sig;
  int saved = errno;
  if (write(sigpipe_fds[1], "c", 1) < 0) { /* pipe full: a wakeup is already pending */ }
  errno = saved;
}

static void spawn(int i) {
  int p[2] = {-1, -1};
  if (outfd >= 0 && pipe2(p, O_CLOEXEC) != 0) { perror("pipe"); exit(1); }
  int own = -1;
  if (out_paths[i]) {
    own = open(out_paths[i], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (own < 0) { perror(out_paths[i]); exit(1); }
  }
  if (++spawns > 100000) { fprintf(stderr, "spawn bound reached\n"); exit(1); }
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); exit(1); }
  if (pid == 0) {
    setsid();
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(own >= 0 ? own : outfd >= 0 ? p[1] : null, 1);
    dup2(null, 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGCHLD, SIG_DFL);
    execvp(argv_cmd[0], argv_cmd);
    _exit(127);
  }
  if (outfd >= 0) { close(p[1]); outs[i] = p[0]; }
  if (own >= 0) close(own);
  pids[i] = pid;
  next_check[i] = now_ms();
  printf("pid %d\n", pid);
}

static int live(void) {
  int c = 0;
  for (int i = 0; i < n; i++) c += pids[i] > 0 || outs[i] >= 0;
  return c;
}

static void reap(void) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (int i = 0; i < n; i++) {
      if (pids[i] != pid) continue;
      pids[i] = 0;
      printf("exit %d\n", pid);
      if (respawn && !stopping) spawn(i);
    }
  }
}

/* Runs the checks that are due; returns ms until the next one (-1: none). */
static int run_checks(void) {
  if (check_port <= 0 || stopping) return -1;
  long now = now_ms(), next = -1;
  for (int i = 0; i < n; i++) {
    if (pids[i] <= 0) continue;
    if (next_check[i] <= now) {
      tcp_check();
      next_check[i] = now + check_ms;
      now = now_ms();
    }
    if (next < 0 || next_check[i] < next) next = next_check[i];
  }
  return next < 0 ? -1 : (int)(next > now ? next - now : 0);
}

static void signal_all(int sig) {
  for (int i = 0; i < n; i++) if (pids[i] > 0) kill(-pids[i], sig);
}

static void copy_out(int i) {
  static char buf[65536];
  ssize_t got = read(outs[i], buf, sizeof buf);
  if (got <= 0) { close(outs[i]); outs[i] = -1; return; }
  for (ssize_t done = 0; done < got;) {
    ssize_t w = write(outfd, buf + done, got - done);
    if (w < 0) { perror("write"); exit(1); }
    done += w;
  }
}

int main(int argc, char **argv) {
  const char *list = NULL;
  for (int o; (o = getopt(argc, argv, "+o:c:C:")) != -1;) {
    if (o == 'o') list = optarg;
    else if (o == 'c') check_port = atoi(optarg);
    else if (o == 'C') check_ms = atoi(optarg);
    else return 2;
  }
  argc -= optind - 1;
  argv += optind - 1;
  if (argc < 6 || check_ms < 1) {
    fprintf(stderr, "usage: bare_loop [-o LIST] [-c PORT] [-C PERIOD_MS] N RESPAWN STOP_MS OUTFILE CMD...\n");
    return 2;
  }
  n = atoi(argv[1]); respawn = atoi(argv[2]); stop_ms = atoi(argv[3]);
  if (n < 0 || n > MAX_CHILDREN) return 2;
  if (list && strcmp(argv[4], "-") != 0) { fprintf(stderr, "-o needs OUTFILE -\n"); return 2; }
  if (list) read_out_paths(list);
  if (strcmp(argv[4], "-") != 0) {
    outfd = open(argv[4], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (outfd < 0) { perror(argv[4]); return 1; }
  }
  argv_cmd = argv + 5;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (pipe2(sigpipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  alarm(1200);
  for (int i = 0; i < n; i++) outs[i] = -1;
  for (int i = 0; i < n; i++) spawn(i);
  printf("ready\n");
  long stop_deadline = 0;
  int stdin_open = 1;
  static struct pollfd fds[MAX_CHILDREN + 2];
  for (;;) {
    int k = 0;
    fds[k].fd = sigpipe_fds[0]; fds[k++].events = POLLIN;
    fds[k].fd = stdin_open ? 0 : -1; fds[k++].events = POLLIN;
    for (int i = 0; i < n; i++) { fds[k].fd = outs[i]; fds[k++].events = POLLIN; }
    int timeout = run_checks();
    if (stopping && stop_deadline > 0) {
      long left = stop_deadline - now_ms();
      timeout = left > 0 ? (int)left : 0;
    }
    int r = poll(fds, k, timeout);
    if (r < 0 && errno != EINTR) { perror("poll"); return 1; }
    if (fds[0].revents) { char b[256]; while (read(sigpipe_fds[0], b, sizeof b) > 0) {} reap(); }
    for (int i = 0; i < n; i++) if (outs[i] >= 0 && fds[i + 2].revents) copy_out(i);
    if (stdin_open && fds[1].revents) {
      char line[64];
      ssize_t got = read(0, line, sizeof line - 1);
      if (got <= 0) { stdin_open = 0; }
      if (got <= 0 || strncmp(line, "stop", 4) == 0) {
        stopping = 1;
        stop_deadline = now_ms() + stop_ms;
        signal_all(SIGTERM);
      }
    }
    if (stopping && stop_deadline > 0 && now_ms() >= stop_deadline) {
      signal_all(SIGKILL);
      stop_deadline = 0;
    }
    if (stopping && live() == 0) {
      printf("stopped\n");
      if (!stdin_open) return 0;
      stopping = 0; /* a later stdin EOF finds nothing to stop and exits */
    }
  }
}
