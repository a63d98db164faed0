package dev.spacegate.server.gateway.execute;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** {@code force-mapping} for streams: the upstream's {@code "model":"name"} becomes the client's alias. */
final class ModelRewrite {
    private final byte[] from;
    private final byte[] to;

    ModelRewrite(String upstream, String alias) {
        this.from = field(upstream);
        this.to = field(alias);
    }

    private static byte[] field(String model) {
        return ("\"model\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(model)) + "\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    byte[] apply(byte[] b, int off, int len) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(len + 16);
        int i = off;
        int end = off + len;
        while (i < end) {
            if (i + from.length <= end && Arrays.equals(b, i, i + from.length, from, 0, from.length)) {
                out.writeBytes(to);
                i += from.length;
            } else {
                out.write(b[i++]);
            }
        }
        return out.toByteArray();
    }
}
