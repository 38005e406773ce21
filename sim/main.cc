// sfsim: a local Salesforce org simulator. See sim/README.md.
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

#include "sim/cli.h"

int main(int argc, char** argv) {
  try {
    return sfwarden::sim::RunCli(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "sfsim: " << e.what() << "\n";
    return 1;
  }
}
