#include "sim/app/commands.h"

int main(int argc, char** argv) {
  essim::app::KeepFreedMemory();
  return essim::app::Main(argc, argv);
}
