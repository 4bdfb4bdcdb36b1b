#!/usr/bin/env bash
# Regenerate the committed shell completions from the clap definition.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/contact-merge
"$bin" completions bash > completions/contact-merge.bash
"$bin" completions zsh > completions/_contact-merge
"$bin" completions fish > completions/contact-merge.fish
"$bin" completions powershell > completions/_contact-merge.ps1
"$bin" completions elvish > completions/contact-merge.elv
