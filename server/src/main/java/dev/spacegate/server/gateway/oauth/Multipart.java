package dev.spacegate.server.gateway.oauth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the file parts of a {@code multipart/form-data} body (small uploads, held in memory). */
public final class Multipart {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern FIELD = Pattern.compile("[; ]name=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

    private Multipart() {
    }

    /** {@code {file name, content as ISO-8859-1 text}} for each part that carries a file name. */
    static List<String[]> files(String contentType, byte[] body) {
        List<String[]> out = new ArrayList<>();
        for (String[] p : parts(contentType, body)) {
            if (p[1] != null) {
                out.add(new String[]{p[1], p[2]});
            }
        }
        return out;
    }

    /** Every part's form field name and content (ISO-8859-1 text), for forms mixing files and fields. */
    public static java.util.Map<String, String> fields(String contentType, byte[] body) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String[] p : parts(contentType, body)) {
            if (p[0] != null) {
                out.putIfAbsent(p[0], p[2]);
            }
        }
        return out;
    }

    /** {@code {field name or null, file name or null, content}} of each part. */
    private static List<String[]> parts(String contentType, byte[] body) {
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
                if (headers.toLowerCase(Locale.ROOT).contains("content-disposition")) {
                    Matcher fn = FILENAME.matcher(headers);
                    Matcher field = FIELD.matcher(headers);
                    // a file name is kept as sent: one with a path in it is then refused by the name rules
                    out.add(new String[]{field.find() ? field.group(1) : null, fn.find() ? fn.group(1) : null,
                        part.substring(headerEnd + 4)});
                }
            }
            pos = next + 2;
        }
        return out;
    }
}
