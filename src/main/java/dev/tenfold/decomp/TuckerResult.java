package dev.tenfold.decomp;

/**
 * Result of {@link Hooi#fit}.
 *
 * @param tensor     the Tucker tensor (orthonormal factors), in the input tensor's scope
 * @param trace      relative error and time of every iteration
 * @param iterations number of iterations run
 * @param converged  true when the change in relative error fell below the tolerance
 * @param relError   final √(‖X‖² − ‖G‖²)/‖X‖ (exact for orthonormal factors and G the projection
 *                   of X; no reconstruction)
 */
public record TuckerResult(TuckerTensor tensor, ConvergenceTrace trace, int iterations, boolean converged, double relError) { }
