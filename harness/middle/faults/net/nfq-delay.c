/*
 * nfq-delay: delays every packet of one NFQUEUE queue (the kernel here has no netem).
 *
 *   nfq-delay QUEUE constant MS | uniform MIN_MS MAX_MS | exponential MEAN_MS
 *
 * Each packet gets a release time of now + a delay drawn from the distribution and waits in a min-heap
 * ordered by release time, so jitter reorders packets as netem does. Verdicts are NF_ACCEPT. On
 * SIGTERM/SIGINT every waiting packet is accepted at once before exit, so stopping the delayer never
 * drops traffic; the iptables rule uses --queue-bypass so a dead delayer fails open.
 * Built by the harness with: gcc -O2 -o nfq-delay nfq-delay.c -lnetfilter_queue
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

#define CAP 65536

struct item { uint64_t due; uint32_t id; };
static struct item heap[CAP];
static int n;
static struct nfq_q_handle *qh;
static volatile sig_atomic_t stopping;
static char kind;
static double a, b;

static uint64_t now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static double draw_ms(void) {
  double u = (double)random() / ((double)RAND_MAX + 1.0);
  if (kind == 'u') return a + (b - a) * u;
  if (kind == 'e') return -a * log(1.0 - u);
  return a;
}

static void push(uint64_t due, uint32_t id) {
  int i = n++;
  while (i > 0 && heap[(i - 1) / 2].due > due) { heap[i] = heap[(i - 1) / 2]; i = (i - 1) / 2; }
  heap[i].due = due; heap[i].id = id;
}

static struct item pop(void) {
  struct item top = heap[0], last = heap[--n];
  int i = 0;
  for (;;) {
    int c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && heap[c + 1].due < heap[c].due) c++;
    if (heap[c].due >= last.due) break;
    heap[i] = heap[c]; i = c;
  }
  heap[i] = last;
  return top;
}

static int on_packet(struct nfq_q_handle *q, struct nfgenmsg *m, struct nfq_data *d, void *data) {
  (void)m; (void)data;
  struct nfqnl_msg_packet_hdr *h = nfq_get_msg_packet_hdr(d);
  if (!h) return 0;
  uint32_t id = ntohl(h->packet_id);
  if (n >= CAP) return nfq_set_verdict(q, id, NF_ACCEPT, 0, NULL); /* full: pass undelayed */
  push(now_us() + (uint64_t)(draw_ms() * 1000.0), id);
  return 0;
}

static void on_signal(int s) { (void)s; stopping = 1; }

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s QUEUE constant MS | uniform MIN MAX | exponential MEAN\n", argv[0]); return 2; }
  int queue = atoi(argv[1]);
  kind = argv[2][0];
  a = atof(argv[3]);
  b = argc > 4 ? atof(argv[4]) : a;
  if ((kind != 'c' && kind != 'u' && kind != 'e') || (kind == 'u' && argc < 5)) { fprintf(stderr, "bad distribution\n"); return 2; }
  srandom((unsigned)now_us());
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  struct nfq_handle *hd = nfq_open();
  if (!hd) { perror("nfq_open"); return 1; }
  qh = nfq_create_queue(hd, (uint16_t)queue, &on_packet, NULL);
  if (!qh) { perror("nfq_create_queue"); return 1; }
  if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) { perror("nfq_set_mode"); return 1; }
  nfq_set_queue_maxlen(qh, CAP);
  int fd = nfq_fd(hd);
  char buf[65536] __attribute__((aligned));
  fprintf(stderr, "nfq-delay: queue %d %s %g %g ready\n", queue, argv[2], a, b);
  while (!stopping) {
    uint64_t t = now_us();
    while (n > 0 && heap[0].due <= t) nfq_set_verdict(qh, pop().id, NF_ACCEPT, 0, NULL);
    int timeout = n > 0 ? (int)((heap[0].due - t + 999) / 1000) : 200;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r = poll(&p, 1, timeout);
    if (r > 0) {
      int len = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (len > 0) nfq_handle_packet(hd, buf, len);
      else if (len < 0 && errno == ENOBUFS) fprintf(stderr, "nfq-delay: kernel queue overflow\n");
    }
  }
  while (n > 0) nfq_set_verdict(qh, pop().id, NF_ACCEPT, 0, NULL);
  nfq_destroy_queue(qh);
  nfq_close(hd);
  return 0;
}
