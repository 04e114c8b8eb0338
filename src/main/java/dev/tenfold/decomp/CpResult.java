package dev.tenfold.decomp;

/**
 * Result of {@link CpAls#fit} and {@link CpHals#fit}.
 *
 * @param tensor     the fitted CP tensor, allocated in the input tensor's scope
 * @param trace      relative error and time of every iteration
 * @param iterations number of iterations run
 * @param converged  true when the change in relative error fell below the tolerance
 * @param relError   final relative error √(‖X‖² + ‖X̂‖² − 2⟨X, X̂⟩)/‖X‖ (no reconstruction; with
 *                   float32 data it resolves errors down to about 1e-3.5, below that rounding
 *                   of ⟨X, X̂⟩ dominates)
 */
public record CpResult(CpTensor tensor, ConvergenceTrace trace, int iterations, boolean converged, double relError) { }
