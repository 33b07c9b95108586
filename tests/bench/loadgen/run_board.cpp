// Shared-memory board allocation.
#include "tests/bench/loadgen/run_board.hpp"

#include <sys/mman.h>

#include <new>

namespace loadgen {

run_board* map_run_board() {
  void* memory = mmap(nullptr, sizeof(run_board), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) return nullptr;
  return new (memory) run_board();
}

}  // namespace loadgen
