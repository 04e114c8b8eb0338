package dev.tenfold.decomp;

/**
 * Progress callback of the iterative decompositions, called once per iteration on the thread
 * that runs the fit.
 *
 * @param <M> the model type ({@link CpTensor} or {@link TuckerTensor})
 */
@FunctionalInterface
public interface IterationListener<M> {
    /**
     * @param iteration the iteration just finished (1-based)
     * @param relError  relative error after it (see the algorithm for its definition)
     * @param millis    wall-clock milliseconds it took
     * @param model     the current model: a view of the working memory, valid only during this
     *                  call (copy what you want to keep, e.g. with {@code toTensor()})
     */
    void onIteration(int iteration, double relError, double millis, M model);
}
