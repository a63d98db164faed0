package dev.spacegate.server.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Keeps the messages one logger publishes (the access log, or "" for every logger) until closed. */
public final class LogCapture extends Handler implements AutoCloseable {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    /** Held strongly: JUL keeps loggers weakly, and a collected logger would lose this handler. */
    private final Logger logger;

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /** Starts capturing what {@code loggerName} publishes. */
    public static LogCapture of(String loggerName) {
        LogCapture c = new LogCapture(Logger.getLogger(loggerName));
        c.logger.addHandler(c);
        return c;
    }

    /** The access log ({@code spacegate.access}). */
    public static LogCapture accessLog() {
        return of("spacegate.access");
    }

    /** The messages so far, oldest first (a live, thread-safe list). */
    public List<String> messages() {
        return messages;
    }

    @Override
    public void publish(LogRecord r) {
        messages.add(r.getMessage());
    }

    @Override
    public void flush() {
    }

    /** Stops capturing. */
    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
