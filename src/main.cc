// The stator executable; everything lives in the server module.
#include "server/stator_server.h"

int main(int argc, char** argv) { return stator::server::Main(argc, argv); }
