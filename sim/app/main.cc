#include <malloc.h>

#include "sim/app/commands.h"

int main(int argc, char** argv) {
  // Keep freed memory in the heap: runs allocate and free many multi-megabyte series, and
  // returning them to the kernel makes every reuse pay first-touch page faults again
  // (measured: 10-15 % of a year-long optimal solve on a virtual machine).
  mallopt(M_MMAP_THRESHOLD, 256 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
  return essim::app::Main(argc, argv);
}
