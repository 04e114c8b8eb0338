package dev.tenfold.decomp;

import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.HashMap;
import java.util.Map;

/**
 * Float32 scratch buffers of one fit, reused across its iterations: one buffer per named slot,
 * allocated in the fit's scope the first time and re-allocated only when a larger shape is
 * asked for. A fresh multi-megabyte native allocation is zeroed (and may page-fault) every
 * time, so the per-iteration partials of HOOI live here.
 * A slot's contents are valid until the next {@link #take} of the same slot; buffers are not
 * cleared (every user overwrites what it takes).
 */
final class Workspace {
    private final TensorScope scope;
    private final Map<String, Tensor> slots = new HashMap<>();

    Workspace(TensorScope scope) {
        this.scope = scope;
    }

    /**
     * A contiguous tensor of shape {@code dims} over the buffer of {@code slot}, which holds
     * {@link LastModeKernels#OUTPUT_SLACK} floats more (the kernels write these slots).
     */
    Tensor take(String slot, int... dims) {
        long n = FactorMath.product(dims, 0, dims.length);
        if (n > Integer.MAX_VALUE - LastModeKernels.OUTPUT_SLACK) throw new IllegalStateException("Workspace: slot " + slot + " too large: " + n);
        Tensor t = slots.get(slot);
        if (t == null || t.size() < n + LastModeKernels.OUTPUT_SLACK) {
            t = scope.zeros((int) (Math.max(n, 1) + LastModeKernels.OUTPUT_SLACK));
            slots.put(slot, t);
        }
        return t.narrow(0, 0, (int) Math.max(n, 1)).view(dims);
    }

    /** The scope the buffers live in. */
    TensorScope scope() {
        return scope;
    }
}
