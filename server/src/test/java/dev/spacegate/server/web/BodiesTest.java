package dev.spacegate.server.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class BodiesTest {
    private static final byte[] TEN = "0123456789".getBytes();

    @Test
    void declaredLengthIsReadExactly() throws IOException {
        assertArrayEquals(TEN, Bodies.read(new ByteArrayInputStream(TEN), 10, 10));
        assertArrayEquals(new byte[0], Bodies.read(new ByteArrayInputStream(new byte[0]), 0, 10));
    }

    @Test
    void undeclaredLengthUpToTheCap() throws IOException {
        assertArrayEquals(TEN, Bodies.read(new ByteArrayInputStream(TEN), -1, 10));
        assertNull(Bodies.read(new ByteArrayInputStream(TEN), -1, 9), "one byte over the cap");
    }

    @Test
    void aDeclarationOverTheCapReadsNothing() throws IOException {
        InputStream never = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("must not read a body declared larger than the cap");
            }
        };
        assertNull(Bodies.read(never, 11, 10));
    }

    @Test
    void aLargeDeclarationWithoutTheBytesAllocatesOnlyWhatArrives() throws IOException {
        // 1 GiB declared, 10 bytes sent, then the stream ends: the read returns what came, not a 1 GiB array
        assertArrayEquals(TEN, Bodies.read(new ByteArrayInputStream(TEN), 1L << 30, 1L << 31));
    }
}
