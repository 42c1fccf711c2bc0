#!/bin/sh
# Installs the benchmark peers (docs/benchmarks.md): supervisord from Debian and PM2 from npm.
# The bench itself installs nothing; run this once as root before `deno task bench`.
set -eu
apt-get update
apt-get install -y supervisor
npm install -g pm2
# Debian enables the system supervisord service; the bench never uses it (it runs private
# instances), so leave it as the system has it.
supervisord --version
pm2 --version
