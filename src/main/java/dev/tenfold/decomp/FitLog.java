package dev.tenfold.decomp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The bookkeeping every iterative fit (CP-ALS, HALS, HOOI) shares: one trace entry per
 * iteration, the listener call, and the stopping test |Δ relative error| &lt; tol (never after
 * the first iteration). The model handed to the listener is built only when there is one.
 *
 * @param <M> the model type the listener sees
 */
final class FitLog<M> {
    private final List<ConvergenceTrace.Entry> entries = new ArrayList<>();
    private final IterationListener<M> listener;
    private final double tol;
    private double err = Double.NaN;
    private boolean converged;

    FitLog(IterationListener<M> listener, double tol) {
        this.listener = listener;
        this.tol = tol;
    }

    /**
     * Records iteration {@code it} (started at {@code startNanos}) with its relative error;
     * returns true when the fit has converged.
     */
    boolean record(int it, double relError, long startNanos, boolean lineSearchAccepted, Supplier<M> model) {
        double ms = (System.nanoTime() - startNanos) / 1e6;
        entries.add(new ConvergenceTrace.Entry(it, relError, ms, lineSearchAccepted));
        if (listener != null) listener.onIteration(it, relError, ms, model.get());
        boolean small = it > 1 && Math.abs(err - relError) < tol;
        err = relError;
        converged |= small;
        return small;
    }

    /** Relative error of the last recorded iteration (NaN before the first). */
    double relError() {
        return err;
    }

    boolean converged() {
        return converged;
    }

    ConvergenceTrace trace() {
        return new ConvergenceTrace(entries);
    }
}
