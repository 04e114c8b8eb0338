package dev.tenfold.linalg;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** JUnit extension for tests that change {@link Gemm#setThreads}: the thread count is restored after each test. */
final class GemmThreadsRestored implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(GemmThreadsRestored.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("threads", Gemm.threads());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Integer saved = context.getStore(NS).get("threads", Integer.class);
        if (saved != null) Gemm.setThreads(saved);
    }
}
