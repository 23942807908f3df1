package io.replicatedjdbc.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** The records one java.util.logging logger publishes while this is open: what an operator's log would show. */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogCapture(String name) {
        // Held here, so that the logger (and its handler) is not collected while the capture is open.
        this.logger = Logger.getLogger(name);
        logger.addHandler(handler);
    }

    /** Starts capturing what the named logger (and the loggers below it) publish. */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    public List<LogRecord> records() {
        return records;
    }

    /** The messages of the records at {@code level} or above. */
    public List<String> messages(Level level) {
        return records.stream()
                .filter(r -> r.getLevel().intValue() >= level.intValue())
                .map(LogRecord::getMessage)
                .collect(Collectors.toList());
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
