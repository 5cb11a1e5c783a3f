# Sourced by the scripts that need root (network namespaces, apt-get, mmdebstrap):
#   . "$(dirname "$0")/lib/as-root.sh"; as_root "$@"
# As root: returns and the script goes on. Otherwise: re-executes the script through sudo when sudo
# exists (keeping PATH, which sudo's secure_path would reset, so the Swift toolchain is still found),
# else exits with what to do. A fresh root machine without sudo runs the script as written.
as_root() {
  [ "$(id -u)" -eq 0 ] && return 0
  if command -v sudo >/dev/null 2>&1; then
    exec sudo env "PATH=$PATH" "$0" "$@"
  fi
  echo "$(basename "$0"): needs root (network namespaces, packages) and sudo is not installed: run it as root" >&2
  exit 1
}
