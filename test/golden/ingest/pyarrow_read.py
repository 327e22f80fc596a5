#!/usr/bin/env python3
"""Cross-check: pyarrow reads a liflux Arrow file (the README's three lines) and records what it sees.

Parameters (recorded in the output): the Arrow file was made by
  node dist/cli/main.js convert data/samples/XDATCAR_LGPS_600K.gz -o /tmp/lgps.arrow \
       --timestep-fs 2 --nblock 10 --temperature 600 --species Li,S --every 5
Run:  python3 test/golden/ingest/pyarrow_read.py /tmp/lgps.arrow > test/golden/ingest/pyarrow_read.json
(pyarrow from PyPI; Debian has no python3-pyarrow). test/analysis/ingest/pyarrow-golden.test.ts compares the
TypeScript reader's arrays with these numbers.
"""
import json, sys
import numpy as np
import pyarrow as pa

t = pa.ipc.open_file(sys.argv[1]).read_all()
pos_A = t["positions_A"].combine_chunks().flatten().to_numpy().reshape(t.num_rows, -1, 3)
cells = t["cell_A"].combine_chunks().flatten().to_numpy().reshape(-1, 3, 3)
md = {k.decode(): v.decode() for k, v in t.schema.metadata.items()}
out = {
    "_generator": "test/golden/ingest/pyarrow_read.py",
    "_pyarrow": pa.__version__,
    "convert_args": ["data/samples/XDATCAR_LGPS_600K.gz", "--timestep-fs", "2", "--nblock", "10", "--temperature", "600", "--species", "Li,S", "--every", "5"],
    "shape": list(pos_A.shape),
    "dtype": str(pos_A.dtype),
    "types": {f.name: str(f.type) for f in t.schema},
    "units": {f.name: f.metadata[b"unit"].decode() for f in t.schema},
    "metadata": {k: v for k, v in md.items() if k not in ("liflux.source_file",)},
    "time_ps_first_last": [float(t["time_ps"].to_numpy()[0]), float(t["time_ps"].to_numpy()[-1])],
    "step_first_last": [int(t["step"].to_numpy()[0]), int(t["step"].to_numpy()[-1])],
    "pos_sum_first_A": pos_A[0].sum(axis=0).tolist(),
    "pos_sum_last_A": pos_A[-1].sum(axis=0).tolist(),
    "pos_last_atom_last_frame_A": pos_A[-1, -1].tolist(),
    "cell_first_A": cells[0].tolist(),
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
