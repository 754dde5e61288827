# Shared by the benchmark scripts (sourced from the repository's root, not run).

# need_tools TOOL...: each of wrk and nginx the script runs, installed from
# Debian's packages (wrk, nginx-light) when missing and running as root;
# otherwise the script stops saying what to install.
need_tools() {
  local tool package
  for tool in "$@"; do
    command -v "$tool" >/dev/null && continue
    package=$tool
    [ "$tool" = nginx ] && package=nginx-light
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
    else
      echo "bench: $tool is missing (apt-get install $package)" >&2
      exit 1
    fi
  done
}
