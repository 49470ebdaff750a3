#include "sim/app/commands.h"

int main(int argc, char** argv) { return essim::app::Main(argc, argv); }
