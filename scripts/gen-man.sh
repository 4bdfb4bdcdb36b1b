#!/usr/bin/env bash
# Regenerate the committed man pages (man/) from the clap definition: the
# main page and one page per command it lists (contact-merge-COMMAND(1)).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/contact-merge
rm -f man/*.1
mkdir -p man
"$bin" man > man/contact-merge.1
for page in $(grep -o 'contact\\-merge\\-[a-z]*(1)' man/contact-merge.1 | sed 's/\\-/-/g; s/(1)//'); do
  "$bin" man "${page#contact-merge-}" > "man/$page.1"
done
