# Which spdlog, fmt and libgit2 flint links, as three interface targets: flint_spdlog,
# flint_fmt, flint_git2.
#
# Default: Debian's shared libraries (libspdlog.so.1.10, libfmt.so.9, libgit2.so.1.5), the
# quickest to link and what the test tree uses.
#
# FLINT_PORTABLE=ON, for released binaries (the .deb and the VS Code extension's bundled
# binary): a flint-lsp that runs on any glibc distribution of Debian 12's age or newer.
#   - spdlog and fmt in their header-only modes (Debian ships only their shared libraries);
#   - libgit2 and the libraries it needs from their static archives where Debian ships one
#     (libgit2.a, mbedtls, http_parser, libssh2, pcre2, gpg-error); the archives' objects that
#     flint never reaches are not linked at all;
#   - libstdc++ and libgcc linked statically (-static-libstdc++ -static-libgcc, on flint-lsp);
#   - Debian's hardening flags;
#   - shared, as every such system has them: glibc (libc, libm), libcurl.so.4 and through it
#     and libssh2 OpenSSL (libssl.so.3, libcrypto.so.3) and libz.so.1, and (for libgit2)
#     libgssapi_krb5.so.2, which libcurl4 depends on in Debian and Ubuntu alike.

option(FLINT_PORTABLE "Link flint-lsp for other glibc systems: static libstdc++/libgcc, header-only spdlog/fmt, static libgit2" OFF)

add_library(flint_fmt INTERFACE)
add_library(flint_spdlog INTERFACE)
add_library(flint_git2 INTERFACE)

if(NOT FLINT_PORTABLE)
  target_link_libraries(flint_fmt INTERFACE fmt::fmt)
  target_link_libraries(flint_spdlog INTERFACE spdlog::spdlog)
  target_link_libraries(flint_git2 INTERFACE PkgConfig::LIBGIT2)
  return()
endif()

if(FLINT_SANITIZE)
  message(FATAL_ERROR "FLINT_PORTABLE is for release binaries: configure it without FLINT_SANITIZE")
endif()

# Debian's hardening flags (dpkg-buildflags), which lintian checks for: fortified libc calls,
# stack protector, read-only relocations bound at load time. Everything, grammars included.
add_compile_options(-fstack-protector-strong -D_FORTIFY_SOURCE=2)
add_link_options(-Wl,-z,relro -Wl,-z,now)

# fmt: FMT_HEADER_ONLY. spdlog: its header-only target, whose interface would also link
# fmt::fmt (the shared library), so take its include directories and definitions only.
target_link_libraries(flint_fmt INTERFACE fmt::fmt-header-only)
target_include_directories(flint_spdlog INTERFACE
  $<TARGET_PROPERTY:spdlog::spdlog_header_only,INTERFACE_INCLUDE_DIRECTORIES>)
target_compile_definitions(flint_spdlog INTERFACE
  $<TARGET_PROPERTY:spdlog::spdlog_header_only,INTERFACE_COMPILE_DEFINITIONS>)
target_link_libraries(flint_spdlog INTERFACE flint_fmt Threads::Threads)

# libgit2: `pkg-config --static` names its private libraries but not those of libssh2 (a
# Libs.private entry, not a Requires.private), so libssh2's are appended. Each name becomes
# its static archive, except those that stay shared on purpose.
pkg_check_modules(FLINT_SSH2 REQUIRED libssh2)
set(FLINT_SHARED_ON_PURPOSE ssl crypto z curl c m rt dl pthread)
set(libs)
foreach(name IN LISTS LIBGIT2_STATIC_LIBRARIES FLINT_SSH2_STATIC_LIBRARIES)
  if(name IN_LIST FLINT_SHARED_ON_PURPOSE)
    if(NOT name STREQUAL "pthread") # Threads::Threads below
      list(APPEND libs ${name})
    endif()
    continue()
  endif()
  find_library(FLINT_STATIC_${name} NAMES lib${name}.a HINTS ${LIBGIT2_STATIC_LIBRARY_DIRS})
  if(FLINT_STATIC_${name})
    list(APPEND libs ${FLINT_STATIC_${name}})
  else()
    message(STATUS "FLINT_PORTABLE: no lib${name}.a, linking ${name} shared")
    list(APPEND libs ${name})
  endif()
endforeach()
# Debian's libgit2.a also calls GSSAPI (SPNEGO authentication), which its .pc file omits;
# MIT Kerberos ships no static library, and libcurl4 depends on libgssapi-krb5-2 anyway.
pkg_check_modules(FLINT_GSSAPI REQUIRED IMPORTED_TARGET krb5-gssapi)
target_include_directories(flint_git2 INTERFACE ${LIBGIT2_STATIC_INCLUDE_DIRS})
target_link_libraries(flint_git2 INTERFACE ${libs} PkgConfig::FLINT_GSSAPI Threads::Threads)
message(STATUS "FLINT_PORTABLE: libgit2 linked as ${libs}")
