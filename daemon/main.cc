#include <iostream>
#include <string_view>
#include <vector>

#include "daemon/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv, argv + argc);
  return sfwarden::daemon::Main(args, std::cout, std::cerr);
}
