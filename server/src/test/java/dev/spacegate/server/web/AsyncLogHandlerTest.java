package dev.spacegate.server.web;

import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import dev.spacegate.server.testing.LogCapture;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsyncLogHandlerTest {

    @Test
    void writesEveryRecordInOrderOnOneLineEach() {
        StringWriter out = new StringWriter();
        AsyncLogHandler handler = new AsyncLogHandler(out);
        for (int i = 0; i < 1000; i++) {
            LogRecord r = new LogRecord(Level.INFO, "GET /v1/models 200 line-" + i);
            r.setLoggerName("spacegate.access");
            r.setInstant(Instant.parse("2026-11-22T02:15:10.995Z"));
            handler.publish(r);
        }
        handler.close();
        String[] lines = out.toString().split("\n");
        assertEquals(1000, lines.length);
        assertEquals("2026-11-22T02:15:10.995Z INFO    spacegate.access GET /v1/models 200 line-0", lines[0]);
        for (int i = 0; i < lines.length; i++) {
            assertTrue(lines[i].endsWith(" line-" + i), lines[i]);
        }
    }

    @Test
    void recordsBelowTheLevelAreNotWritten() {
        StringWriter out = new StringWriter();
        AsyncLogHandler handler = new AsyncLogHandler(out);
        handler.setLevel(Level.WARNING);
        LogRecord r = new LogRecord(Level.INFO, "quiet");
        r.setLoggerName("x");
        handler.publish(r);
        handler.close();
        assertEquals("", out.toString());
    }

    @Test
    void handlersGivenToAlsoGetEveryWrittenRecordInOrder() {
        StringWriter out = new StringWriter();
        AsyncLogHandler handler = new AsyncLogHandler(out);
        // a capture on a logger nothing writes to: what it sees comes only through also()
        LogCapture capture = LogCapture.of("spacegate.test.also");
        handler.also(capture);
        java.util.List<String> seen = capture.messages();
        for (int i = 0; i < 300; i++) {
            LogRecord r = new LogRecord(Level.INFO, "line-" + i);
            r.setLoggerName("spacegate.access");
            handler.publish(r);
        }
        handler.close();
        capture.close();
        assertEquals(300, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals("line-" + i, seen.get(i));
        }
    }
}
