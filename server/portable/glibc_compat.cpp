// Linked into flint-lsp only with FLINT_PORTABLE (cmake/portable.cmake), so that the released
// binary runs on glibc 2.35 (Ubuntu 22.04) although it is built on Debian 12 (glibc 2.36).
//
// The static libstdc++ of GCC 12 built against glibc 2.36 calls arc4random() (std::random_device),
// a symbol glibc exports only from 2.36 on: a binary that imports it does not start on an older
// glibc ("version `GLIBC_2.36' not found"). This definition satisfies that reference inside the
// binary, from getrandom() (glibc 2.25), the same kernel source glibc's own arc4random uses.
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

extern "C" uint32_t arc4random() noexcept {
  uint32_t value = 0;
  auto* bytes = reinterpret_cast<unsigned char*>(&value);
  size_t filled = 0;
  while (filled < sizeof value) {
    ssize_t n = getrandom(bytes + filled, sizeof value - filled, 0);
    if (n > 0) {
      filled += static_cast<size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      std::abort();  // glibc's arc4random also terminates when the kernel has no randomness
    }
  }
  return value;
}
