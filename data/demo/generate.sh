#!/bin/sh
# Regenerates the bundled SYNTHETIC Li3Sb demo trajectories in data/demo/ with liflux's own lattice KMC
# (`liflux synth`: lattice positions + Gaussian thermal displacements σ = 0.15 Å; NOT molecular dynamics).
# Model: data/demo/synth-rates.json (ν = 1e13 /s; Ea TT 0.10, TO 0.10, OT 0.08 eV; E_O − E_T = 0.02 eV).
# 2×2×2 conventional cells (96 Li sites: 64 T + 32 O), 1 vacancy (95 Li), 32 Sb, 2000 frames per temperature.
# Frame interval ≈ 2% of the shortest mean hop time (1 / largest rate) so hops are resolved.
# Coordinates are written with 3 decimals (fractional; 0.013 Å) to keep the files small.
# XDATCAR has no time axis: analyse with the time step per file, e.g.
#   liflux hops data/demo/li3sb-300K.XDATCAR.gz data/demo/li3sb-548K.XDATCAR.gz data/demo/li3sb-900K.XDATCAR.gz \
#     --temperature 300,548,900 --timestep-fs 40,10,5 --nblock 1 --rates-out rates.json --plot rates.svg
# Usage: sh data/demo/generate.sh   (from the repository root, after `npm run build`)
set -eu
cd "$(dirname "$0")/../.."
for spec in 300:0.04:300 548:0.01:548 900:0.005:900; do
  T=${spec%%:*}
  rest=${spec#*:}
  DT=${rest%%:*}
  SEED=${rest#*:}
  node dist/cli/main.js synth --lattice li3sb --cells 2 --vacancies 1 --with-sb \
    --rates data/demo/synth-rates.json --T "$T" --frames 2000 --frame-interval-ps "$DT" \
    --thermal-sigma-A 0.15 --seed "$SEED" --decimals 3 \
    -o "data/demo/li3sb-${T}K.XDATCAR.gz" --overwrite --quiet
done
