#!/usr/bin/env bash
# Makes sure the build and test prerequisites are present on a Debian machine.
# As root it installs what is missing with apt-get (and pip for the test clients);
# otherwise it names exactly what is missing and exits non-zero.
# Usage: scripts/ensure-deps.sh [--with-test-clients]
set -euo pipefail

want_clients=no
[ "${1:-}" = "--with-test-clients" ] && want_clients=yes

# Installs the Debian packages given after $1 (what they are for) that are missing, as root;
# otherwise names them and exits non-zero.
require_packages() {
    local purpose=$1
    shift
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing: ${missing[*]}" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "missing Debian packages ($purpose): ${missing[*]}" >&2
        echo "install them with: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
}

require_packages "to build SealQ" libsodium-dev libsqlite3-dev libssl-dev pkg-config

if ! command -v swift >/dev/null; then
    echo "missing: the Swift 6 toolchain (swift). Install Swift 6.x from swift.org and put it on PATH." >&2
    exit 1
fi

if [ "$want_clients" = yes ]; then
    # strace lets a test check that secret files are flushed to disk; without it that test is skipped.
    if ! command -v strace >/dev/null; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "installing: strace" >&2
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace >/dev/null
        else
            echo "note: strace is missing (sudo apt-get install strace); the secret-file durability test will be skipped" >&2
        fi
    fi
    # The AWS SDK for Go (v1) is the second real SDK of the end-to-end suite (Tests/e2e/test_go_sdk.py).
    require_packages "for the Go SDK test" golang-go golang-github-aws-aws-sdk-go-dev
    need_pip=()
    python3 -c 'import boto3' 2>/dev/null || need_pip+=(boto3)
    python3 -c 'import pytest' 2>/dev/null || need_pip+=(pytest)
    python3 -c 'import requests' 2>/dev/null || need_pip+=(requests)
    python3 -c 'import aws_encryption_sdk' 2>/dev/null || need_pip+=(aws-encryption-sdk)
    command -v aws >/dev/null || need_pip+=(awscli)
    if [ ${#need_pip[@]} -gt 0 ]; then
        if ! command -v python3 >/dev/null; then
            echo "missing: python3 (apt-get install python3 python3-pip)" >&2
            exit 1
        fi
        echo "installing Python test clients: ${need_pip[*]}" >&2
        if [ "$(id -u)" = 0 ]; then
            python3 -m pip install -q "${need_pip[@]}" || python3 -m pip install -q --break-system-packages "${need_pip[@]}"
        elif ! python3 -m pip install -q --user "${need_pip[@]}"; then
            # Not root: never into the system's Python, and never past its "externally managed" guard.
            echo "missing Python packages: ${need_pip[*]} (python3 -m pip install --user ${need_pip[*]}, or run as root)" >&2
            exit 1
        fi
    fi
fi
