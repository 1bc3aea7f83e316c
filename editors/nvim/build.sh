#!/usr/bin/env bash
# The plugin managers' build step (lazy.nvim `build`, packer `run`, vim-plug `do`; they run it
# from the repository root, but any folder works). It makes sure Neovim will find flint-lsp:
#   - flint-lsp on $PATH: nothing to do, and it says so;
#   - else, with the build tools and Debian -dev packages present: builds the server alone into
#     <repo>/build/release/bin/flint-lsp, where the plugin looks when $PATH has none;
#   - else: names exactly what is missing and the two ways out, and fails (exit 1).
# It also writes the help tags of editors/nvim/doc when nvim is on $PATH.
#
#   editors/nvim/build.sh [--dry-run] [--force]
#     --dry-run   check and print the commands it would run, run none of them
#     --force     build even when flint-lsp is on $PATH
#
# Environment: FLINT_BUILD_INCLUDE_DIRS (default "/usr/include /usr/local/include") is where
# the header-only libraries are looked for; FLINT_BUILD_JOBS the parallel jobs (default: nproc).
set -uo pipefail

DRY_RUN=0
FORCE=0
for arg in "$@"; do
  case $arg in
    --dry-run) DRY_RUN=1 ;;
    --force) FORCE=1 ;;
    -h | --help)
      sed -n '2,16p' "$0"
      exit 0
      ;;
    *)
      echo "flint build: unknown argument $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

# Bash builtins only up to the checks, so that a test can run it with a $PATH of stubs.
here=${BASH_SOURCE[0]%/*}
[[ $here == "${BASH_SOURCE[0]}" ]] && here=.
NVIM_DIR=$(cd "$here" && pwd)
REPO=$(cd "$NVIM_DIR/../.." && pwd)
BUILD_DIR=$REPO/build/release

say() { echo "flint build: $*"; }
run() {
  if [[ $DRY_RUN == 1 ]]; then
    echo "would run: $*"
  else
    "$@"
  fi
}
have() { command -v "$1" >/dev/null 2>&1; }

helptags() {
  if have nvim; then
    run nvim --headless -u NONE -i NONE -n -c "helptags $NVIM_DIR/doc" -c 'qall!'
  fi
}

if [[ $FORCE == 0 ]] && have flint-lsp; then
  say "flint-lsp is on \$PATH ($(command -v flint-lsp)): nothing to build"
  helptags
  exit 0
fi

missing_tools=() # what is missing, as people call it
missing_pkgs=()  # the Debian packages that bring it
need() { # need <what is missing> <Debian package>
  missing_tools+=("$1")
  missing_pkgs+=("$2")
}

have cmake || need cmake cmake
GENERATOR=
if have ninja; then
  GENERATOR=Ninja
elif have make; then
  GENERATOR="Unix Makefiles"
else
  need "ninja or make" ninja-build
fi

# A C++20 compiler: g++ 12 or newer, or clang++ 14 or newer.
major_version() { # the major version `$1 -dumpversion` prints, or 0
  local version
  version=$("$1" -dumpversion 2>/dev/null) || version=0
  echo "${version%%.*}"
}
CXX_COMPILER=
for candidate in g++ g++-14 g++-13 g++-12; do
  if have "$candidate" && (($(major_version "$candidate") >= 12)); then
    CXX_COMPILER=$candidate
    C_COMPILER=${candidate/g++/gcc}
    break
  fi
done
if [[ -z $CXX_COMPILER ]]; then
  for candidate in clang++ clang++-19 clang++-18 clang++-17 clang++-16 clang++-15 clang++-14; do
    if have "$candidate" && (($(major_version "$candidate") >= 14)); then
      CXX_COMPILER=$candidate
      C_COMPILER=${candidate/clang++/clang}
      break
    fi
  done
fi
[[ -n $CXX_COMPILER ]] || need "a C++20 compiler (g++ >= 12 or clang++ >= 14)" g++

if have pkg-config; then
  pkg-config --exists libcurl || need "libcurl (pkg-config libcurl)" libcurl4-openssl-dev
  pkg-config --exists libgit2 || need "libgit2 (pkg-config libgit2)" libgit2-dev
else
  need pkg-config pkg-config
  need "libcurl (pkg-config libcurl)" libcurl4-openssl-dev
  need "libgit2 (pkg-config libgit2)" libgit2-dev
fi

read -r -a include_dirs <<<"${FLINT_BUILD_INCLUDE_DIRS:-/usr/include /usr/local/include}"
has_header() {
  local dir
  for dir in "${include_dirs[@]}"; do
    [[ -f $dir/$1 ]] && return 0
  done
  return 1
}
has_header nlohmann/json.hpp || need nlohmann/json.hpp nlohmann-json3-dev
has_header asio.hpp || need asio.hpp libasio-dev
has_header spdlog/spdlog.h || need spdlog libspdlog-dev
has_header fmt/format.h || need fmt libfmt-dev

# The tree-sitter runtime and grammars come from npm (parsers/grammars/package-lock.json).
GRAMMARS=$REPO/parsers/grammars
NEED_NPM_CI=0
if [[ ! -f $GRAMMARS/node_modules/.flint-lock-stamp ]] ||
  [[ $(<"$GRAMMARS/package-lock.json") != $(<"$GRAMMARS/node_modules/.flint-lock-stamp") ]]; then
  NEED_NPM_CI=1
  have node || need "node (for the tree-sitter grammars)" nodejs
  have npm || need "npm (for the tree-sitter grammars)" npm
fi

if ((${#missing_tools[@]})); then
  {
    say "flint-lsp is not on \$PATH and cannot be built here."
    say "missing:"
    for what in "${missing_tools[@]}"; do
      echo "  - $what"
    done
    # The package list without repeats.
    packages=()
    for pkg in "${missing_pkgs[@]}"; do
      [[ " ${packages[*]} " == *" $pkg "* ]] || packages+=("$pkg")
    done
    say "either install flint-lsp's Debian package (sudo apt install ./flint-lsp_<version>_amd64.deb),"
    say "or install what is missing and run this build again ($REPO/editors/nvim/build.sh):"
    echo "  sudo apt install ${packages[*]}"
    say "or set require(\"flint\").setup({ cmd = { \"/path/to/flint-lsp\" } })."
  } >&2
  exit 1
fi

JOBS=${FLINT_BUILD_JOBS:-}
if [[ -z $JOBS ]]; then
  JOBS=$(nproc 2>/dev/null) || JOBS=2
fi

say "building flint-lsp in $BUILD_DIR with $CXX_COMPILER ($GENERATOR)"
if [[ $NEED_NPM_CI == 1 ]]; then
  say "installing the tree-sitter grammars: npm ci in $GRAMMARS"
  (cd "$GRAMMARS" && run npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) ||
    { say "npm ci in $GRAMMARS failed"; exit 1; }
  run cp "$GRAMMARS/package-lock.json" "$GRAMMARS/node_modules/.flint-lock-stamp"
fi
configure=(cmake -S "$REPO" -B "$BUILD_DIR")
# A build folder configured before (e.g. by scripts/demo, with the tests) keeps its choices.
if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
  configure+=(-G "$GENERATOR" "-DCMAKE_CXX_COMPILER=$CXX_COMPILER" "-DCMAKE_C_COMPILER=$C_COMPILER"
    -DCMAKE_BUILD_TYPE=Release -DFLINT_TESTS=OFF -DFLINT_BENCH=OFF -DFLINT_SANITIZE=OFF)
fi
run "${configure[@]}" || { say "configuring failed (the lines above say why)"; exit 1; }
run cmake --build "$BUILD_DIR" --target flint-lsp -j "$JOBS" ||
  { say "the build failed (the lines above say why)"; exit 1; }
helptags
if [[ $DRY_RUN == 1 ]]; then
  say "dry run: nothing was built"
else
  say "built $BUILD_DIR/bin/flint-lsp; the plugin uses it when \$PATH has no flint-lsp"
fi
