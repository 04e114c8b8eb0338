package dev.tenfold.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelsTest {
    @Test
    void providerMatchesTheRequestedMode() {
        String prop = System.getProperty(Kernels.PROPERTY, "auto");
        FloatKernels k = Kernels.get();
        if (prop.equals("scalar") || !Kernels.vectorModulePresent()) {
            assertEquals("scalar", k.name());
        } else if (!prop.equals("auto")) {
            assertEquals("panama-" + prop, k.name());
        } else {
            assertTrue(k.name().startsWith("panama-"), k.name());
        }
    }
}
