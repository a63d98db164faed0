package dev.spacegate.server.gateway.oauth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the file parts of a {@code multipart/form-data} body (small uploads, held in memory). */
final class Multipart {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    private Multipart() {
    }

    /** {@code {file name, content as ISO-8859-1 text}} for each part that carries a file name. */
    static List<String[]> files(String contentType, byte[] body) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw new IllegalArgumentException("multipart upload without a boundary");
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + m.group(1);
        List<String[]> out = new ArrayList<>();
        int pos = text.indexOf(delimiter);
        if (pos < 0) {
            throw new IllegalArgumentException("multipart body does not match its boundary");
        }
        while (true) {
            int start = pos + delimiter.length();
            if (text.startsWith("--", start)) {
                break;
            }
            int next = text.indexOf("\r\n" + delimiter, start);
            if (next < 0) {
                throw new IllegalArgumentException("multipart body is cut short");
            }
            String part = text.substring(start, next);
            int headerEnd = part.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                String headers = part.substring(0, headerEnd);
                Matcher fn = FILENAME.matcher(headers);
                if (fn.find() && headers.toLowerCase(Locale.ROOT).contains("content-disposition")) {
                    String name = fn.group(1);
                    // kept as sent: a name with a path in it is then refused by the name rules
                    out.add(new String[]{name, part.substring(headerEnd + 4)});
                }
            }
            pos = next + 2;
        }
        return out;
    }
}
