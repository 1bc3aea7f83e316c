#!/usr/bin/env python3
"""The .deb of flint-lsp, built from the CMake tree the tests run in (CTest label `package`).

  check_deb.py cpack     --cpack CPACK --binary-dir DIR --out OUT
      runs `cpack -G DEB -B OUT` in the build tree: OUT/flint-lsp_<version>_amd64.deb (gzip
      compressed rather than xz, for speed).
  check_deb.py metadata  --out OUT --version V [--portable]
      `dpkg-deb -I`: Package, Version, Architecture, Section, Priority, Maintainer, a
      description, and Depends naming the Debian runtime libraries (libc6, libcurl4; with
      --portable, none of libstdc++6, libspdlog, libfmt, libgit2, which it links statically).
  check_deb.py contents  --out OUT [--portable]
      `dpkg-deb -c`: exactly the binary, the man page, README, changelog and copyright (and with
      --portable the lintian overrides), owned by root with Debian's permissions; no test
      binary, no static library, nothing else.
  check_deb.py initialize --out OUT --version V
      `dpkg-deb -x` into a temporary folder; the extracted usr/bin/flint-lsp finds all its
      libraries, prints its version, and answers `initialize` over real pipes (Content-Length
      framing) with its capabilities, then `shutdown` and `exit` with status 0.
  check_deb.py manpage   --out OUT
      the packaged man page renders with `MANWIDTH=80 man --warnings -l` and no warning.
"""
import argparse
import glob
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77  # CTest SKIP_RETURN_CODE


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        fail("%s exited with %d\n%s%s" % (" ".join(cmd), result.returncode, result.stdout,
                                           result.stderr))
    return result.stdout


def the_deb(out):
    debs = glob.glob(os.path.join(out, "flint-lsp_*_amd64.deb"))
    if len(debs) != 1:
        fail("expected one flint-lsp_*_amd64.deb in %s, found %s" % (out, debs))
    return debs[0]


def cmd_cpack(args):
    os.makedirs(args.out, exist_ok=True)
    for old in glob.glob(os.path.join(args.out, "*.deb")):
        os.remove(old)
    shutil.rmtree(os.path.join(args.out, "_CPack_Packages"), ignore_errors=True)
    started = time.monotonic()
    # gzip instead of the package's xz: a sanitized test binary is big, and xz would take most
    # of the test's time (the released package keeps xz).
    print(run([args.cpack, "-G", "DEB", "-B", args.out, "-D", "CPACK_DEBIAN_COMPRESSION_TYPE=gzip"],
              cwd=args.binary_dir))
    deb = the_deb(args.out)
    print("%s in %.1f s" % (deb, time.monotonic() - started))


def cmd_metadata(args):
    deb = the_deb(args.out)
    if os.path.basename(deb) != "flint-lsp_%s_amd64.deb" % args.version:
        fail("file name " + os.path.basename(deb))
    info = run(["dpkg-deb", "-I", deb])
    print(info)
    fields = {}
    for line in info.splitlines():
        m = re.match(r"^ ([A-Za-z-]+): (.*)$", line)
        if m:
            fields[m.group(1)] = m.group(2)
    expected = {"Package": "flint-lsp", "Version": args.version, "Architecture": "amd64",
                "Section": "devel", "Priority": "optional"}
    for key, value in expected.items():
        if fields.get(key) != value:
            fail("%s is %r, expected %r" % (key, fields.get(key), value))
    if not re.match(r"^.+ <[^@ ]+@[^@ ]+>$", fields.get("Maintainer", "")):
        fail("Maintainer %r is not 'Name <address>'" % fields.get("Maintainer"))
    if "language server" not in fields.get("Description", ""):
        fail("Description %r" % fields.get("Description"))
    depends = [d.strip().split(" ")[0] for d in fields.get("Depends", "").split(",")]
    for needed in ("libc6", "libcurl4"):
        if needed not in depends:
            fail("Depends lacks %s: %s" % (needed, depends))
    if args.portable:
        linked_statically = [d for d in depends
                             if re.match(r"^(libstdc\+\+|libgcc-s|libspdlog|libfmt|libgit2)", d)]
        if linked_statically:
            fail("a FLINT_PORTABLE package depends on %s" % linked_statically)


def cmd_contents(args):
    listing = run(["dpkg-deb", "-c", the_deb(args.out)])
    print(listing)
    expected = {
        "./usr/bin/flint-lsp": "-rwxr-xr-x",
        "./usr/share/man/man1/flint-lsp.1.gz": "-rw-r--r--",
        "./usr/share/doc/flint-lsp/README.md.gz": "-rw-r--r--",
        "./usr/share/doc/flint-lsp/changelog.gz": "-rw-r--r--",
        "./usr/share/doc/flint-lsp/copyright": "-rw-r--r--",
    }
    if args.portable:  # embedded-library, explained in cmake/deb/lintian-overrides
        expected["./usr/share/lintian/overrides/flint-lsp"] = "-rw-r--r--"
    parents = set()  # "./" itself may be listed or not
    for path in expected:
        parts = path.split("/")
        for i in range(2, len(parts)):
            parents.add("/".join(parts[:i]) + "/")
    files, dirs = {}, set()
    for line in listing.splitlines():
        mode, owner, _size, _date, _time, path = line.split(None, 5)
        if owner != "root/root":
            fail("%s is owned by %s" % (path, owner))
        if mode.startswith("d"):
            if mode != "drwxr-xr-x":
                fail("directory %s has mode %s" % (path, mode))
            if path != "./":
                dirs.add(path)
        else:
            files[path] = mode
    if files != expected:
        fail("files differ: unexpected %s, missing %s" %
             (sorted(set(files) - set(expected)), sorted(set(expected) - set(files))))
    if dirs != parents:
        fail("directories differ: unexpected %s, missing %s" %
             (sorted(dirs - parents), sorted(parents - dirs)))


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


class Reader:
    def __init__(self, proc):
        self.fd = proc.stdout.fileno()
        self.buffer = b""

    def read_message(self, deadline):
        while True:
            m = re.match(rb"Content-Length: (\d+)\r\n(?:[^\r\n]*\r\n)*\r\n", self.buffer)
            if m and len(self.buffer) >= m.end() + int(m.group(1)):
                body = self.buffer[m.end():m.end() + int(m.group(1))]
                self.buffer = self.buffer[m.end() + int(m.group(1)):]
                return json.loads(body)
            left = deadline - time.monotonic()
            if left <= 0:
                fail("no complete message within the time limit; got %r" % self.buffer[:400])
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    fail("flint-lsp closed stdout; got %r" % self.buffer[:400])
                self.buffer += chunk

    def response(self, id, deadline):
        while True:
            message = self.read_message(deadline)
            if message.get("id") == id and "method" not in message:
                return message


def cmd_initialize(args):
    deb = the_deb(args.out)
    with tempfile.TemporaryDirectory(prefix="flint-deb-") as root:
        run(["dpkg-deb", "-x", deb, root])
        binary = os.path.join(root, "usr", "bin", "flint-lsp")
        if not os.access(binary, os.X_OK):
            fail(binary + " is not executable")
        ldd = run(["ldd", binary])
        print(ldd)
        if "not found" in ldd:
            fail("a library of the packaged binary is missing")
        version = run([binary, "--version"]).strip()
        if version != "flint-lsp " + args.version:
            fail("--version printed %r" % version)

        # Only this environment: no model settings of whoever runs the test.
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLINT_")}
        env["HOME"] = root
        proc = subprocess.Popen([binary, "--stdio", "--log-level", "warn"], cwd=root, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            reader = Reader(proc)
            send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                        "params": {"processId": os.getpid(), "rootUri": None,
                                   "capabilities": {}}})
            response = reader.response(1, deadline)
            print(json.dumps(response)[:600])
            capabilities = response.get("result", {}).get("capabilities")
            if not isinstance(capabilities, dict) or not capabilities:
                fail("initialize answered without capabilities: %r" % response)
            server_info = response["result"].get("serverInfo", {})
            if server_info and server_info.get("version") not in (None, args.version):
                fail("serverInfo %r" % server_info)
            send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
            send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
            response = reader.response(2, deadline)
            if "error" in response:
                fail("shutdown answered %r" % response)
            send(proc, {"jsonrpc": "2.0", "method": "exit"})
            proc.stdin.close()
            code = proc.wait(timeout=max(1, deadline - time.monotonic()))
            if code != 0:
                fail("flint-lsp exited with %d after shutdown and exit" % code)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    print("the packaged flint-lsp answered initialize and exited cleanly")


def cmd_manpage(args):
    if not shutil.which("man"):
        print("man is not installed: skipped")
        sys.exit(SKIP)
    deb = the_deb(args.out)
    with tempfile.TemporaryDirectory(prefix="flint-deb-") as root:
        run(["dpkg-deb", "-x", deb, root])
        page = os.path.join(root, "usr", "share", "man", "man1", "flint-lsp.1.gz")
        env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
        result = subprocess.run(["man", "--warnings", "-l", page], capture_output=True,
                                text=True, env=env)
        print(result.stdout[:400])
        if result.returncode != 0 or result.stderr:
            fail("man --warnings -l: status %d\n%s" % (result.returncode, result.stderr))
        if "flint-lsp - a Language Server" not in result.stdout or "--log-level" not in \
                result.stdout:
            fail("the rendered page lacks its NAME or OPTIONS")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["cpack", "metadata", "contents", "initialize",
                                         "manpage"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--cpack")
    parser.add_argument("--binary-dir")
    parser.add_argument("--version")
    parser.add_argument("--portable", action="store_true")
    args = parser.parse_args()
    if not shutil.which("dpkg-deb"):
        print("dpkg-deb is not installed: skipped")
        sys.exit(SKIP)
    globals()["cmd_" + args.step](args)


if __name__ == "__main__":
    main()
