# install() rules for flint-lsp and the CPack DEB package. Only the component "flint-lsp" is
# installed or packaged: the tests, the fake endpoint, the benchmarks, the fuzzers and the
# static libraries have no install() rules, and CPACK_INSTALL_CMAKE_PROJECTS names this one
# component, so a rule added elsewhere later does not end up in the .deb by accident.
#
#   cmake --build build && cd build && cpack -G DEB    ->  flint-lsp_<version>_amd64.deb
#   scripts/package                                    ->  the released one (FLINT_PORTABLE)
#
# Package contents:
#   /usr/bin/flint-lsp                          (stripped by CPack)
#   /usr/share/man/man1/flint-lsp.1.gz          docs/flint-lsp.1, gzip -9 -n
#   /usr/share/doc/flint-lsp/README.md.gz       (Debian policy 12.3: docs over 4 kB gzipped)
#   /usr/share/doc/flint-lsp/copyright          cmake/deb/copyright, machine-readable (DEP-5)
#   /usr/share/doc/flint-lsp/changelog.gz       cmake/deb/changelog (a native package's)
#
# lintian (2.116, Debian 12) on the package scripts/package builds: no error or warning.
#   - no-copyright-file / debian-changelog-file-missing: both installed here.
#   - binary-without-manpage: docs/flint-lsp.1.
#   - unstripped-binary-or-object: CPACK_STRIP_FILES.
#   - non-standard-dir-perm / control-file-has-bad-permissions: 0755 directories
#     (CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS) and strict control-file permissions.
#   - description-synopsis-is-duplicated: CPack puts the summary first; the description
#     below starts with its second line.
#   - hardening-no-fortify-functions / hardening-no-relro / hardening-no-bindnow: a
#     FLINT_PORTABLE build adds Debian's hardening flags (cmake/portable.cmake).
#   - embedded-library libssh2, embedded-library mbedtls (errors): FLINT_PORTABLE links libgit2
#     and what it calls statically on purpose; overridden, with the reason, in
#     cmake/deb/lintian-overrides (installed only by a FLINT_PORTABLE build).
# Left, at info level (lintian -I): binary-has-unneeded-section .comment (CPack's strip keeps
# the compiler's .comment; dh_strip would remove it), spelling-error-in-binary "nam" (a string
# inside a statically linked library, not flint's).

include(GNUInstallDirs)
set(FLINT_DEB_COMPONENT flint-lsp)
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# The man page and the changelog carry the version by hand: say so when they fall behind.
file(STRINGS ${PROJECT_SOURCE_DIR}/docs/flint-lsp.1 flint_man_th REGEX "^\\.TH ")
if(NOT flint_man_th MATCHES "\"flint ${PROJECT_VERSION}\"")
  message(WARNING "docs/flint-lsp.1: .TH does not name flint ${PROJECT_VERSION}")
endif()
file(STRINGS ${PROJECT_SOURCE_DIR}/cmake/deb/changelog flint_changelog_top LIMIT_COUNT 1)
if(NOT flint_changelog_top MATCHES "^flint-lsp \\(${PROJECT_VERSION}\\) ")
  message(WARNING "cmake/deb/changelog: the top entry is not version ${PROJECT_VERSION}")
endif()

# gzip -9 -n (no name, no time stamp: the same bytes on every build), at build time: flint-lsp
# depends on them, so building flint-lsp alone (as CI's tree and scripts/package do) is
# enough for cpack.
set(flint_gzipped)
foreach(pair "docs/flint-lsp.1|flint-lsp.1.gz" "README.md|README.md.gz"
             "cmake/deb/changelog|changelog.gz")
  string(REPLACE "|" ";" pair ${pair})
  list(GET pair 0 in)
  list(GET pair 1 out)
  set(out ${CMAKE_BINARY_DIR}/package-files/${out})
  add_custom_command(
    OUTPUT ${out}
    COMMAND sh -c "gzip -9 -n -c \"$1\" > \"$2\"" sh ${PROJECT_SOURCE_DIR}/${in} ${out}
    DEPENDS ${PROJECT_SOURCE_DIR}/${in}
    COMMENT "gzip -9 -n ${in}"
    VERBATIM)
  list(APPEND flint_gzipped ${out})
endforeach()
add_custom_target(flint_package_files DEPENDS ${flint_gzipped})
add_dependencies(flint-lsp flint_package_files)

install(TARGETS flint-lsp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT ${FLINT_DEB_COMPONENT})
install(FILES ${CMAKE_BINARY_DIR}/package-files/flint-lsp.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT ${FLINT_DEB_COMPONENT})
install(FILES ${CMAKE_BINARY_DIR}/package-files/README.md.gz
              ${CMAKE_BINARY_DIR}/package-files/changelog.gz
              ${PROJECT_SOURCE_DIR}/cmake/deb/copyright
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/flint-lsp COMPONENT ${FLINT_DEB_COMPONENT})
if(FLINT_PORTABLE)
  install(FILES ${PROJECT_SOURCE_DIR}/cmake/deb/lintian-overrides RENAME flint-lsp
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides
          COMPONENT ${FLINT_DEB_COMPONENT})
endif()

set(CPACK_PACKAGE_NAME flint-lsp)
set(CPACK_PACKAGE_VENDOR "flint contributors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT
    "flint contributors <maintainers@users.noreply.r-seed-1dac19a6.example>"
    CACHE STRING "The .deb's Maintainer field")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "language server for real-time AI inline edits")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "flint-lsp is a Language Server Protocol server that turns a fast code
model's answer into buffer edits while it streams. tree-sitter scopes the
request to the smallest syntactic region around the cursor or selection;
lines the model reproduces unchanged are never rewritten, and every edit is
re-parsed at once. Requests that reach beyond the local scope become
background agent jobs that land as one reviewed workspace edit.
.
It speaks to OpenAI-compatible, Ollama and Anthropic endpoints, and works
with any LSP client (a Neovim plugin and a VS Code extension are provided).")
set(CPACK_GENERATOR DEB)
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};${FLINT_DEB_COMPONENT};/")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})

set(CPACK_DEBIAN_PACKAGE_NAME flint-lsp)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # flint-lsp_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # Depends: from the libraries flint-lsp links
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

include(CPack)
