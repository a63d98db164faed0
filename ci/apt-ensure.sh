# Sourced by the ci/install-*-test-deps.sh scripts: apt_ensure PKG... installs the Debian packages that are
# missing (apt-get update runs only then), as root or through sudo.
apt_ensure() {
    local sudo="" pkg
    local need=()
    if [[ "$(id -u)" != 0 ]]; then
        sudo="sudo"
    fi
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
    done
    if ((${#need[@]})); then
        echo "installing apt packages: ${need[*]}"
        $sudo apt-get update -qq
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
}
