package io.replicatedjdbc.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.ReplicatedDriver;
import io.replicatedjdbc.testing.RecordingDriver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How many frames of this driver lie between the application's call and the wrapped driver's, for the common
 * statements: the wrapper's method, the statement path and the physical call, no more (pooled and dedicated).
 */
class StatementFramesTest {

    private static final int MOST_FRAMES = 4;

    /** This driver's frames between the test's call and the recording driver's proxy, innermost first. */
    private static List<String> ourFrames() {
        List<String> frames = new ArrayList<>();
        for (StackTraceElement frame : RecordingDriver.lastExecutionStack()) {
            String owner = frame.getClassName();
            if (owner.equals(StatementFramesTest.class.getName())) {
                break;
            }
            if (owner.startsWith("io.replicatedjdbc.") && !owner.startsWith("io.replicatedjdbc.testing.")) {
                frames.add(owner.substring(owner.lastIndexOf('.') + 1) + "." + frame.getMethodName());
            }
        }
        return frames;
    }

    @ParameterizedTest
    @ValueSource(strings = {"pooled", "dedicated"})
    void readsAndWrites_reachTheWrappedDriverWithinFourFramesOfOurs(String mode) throws SQLException {
        RecordingDriver.register();
        RecordingDriver.clear();
        Properties info = new Properties();
        info.setProperty("user", "app");
        try (Connection connection = new ReplicatedDriver()
                        .connect("jdbc:replicated:recording:primary?replicas=replica1&connectionMode=" + mode, info);
                Statement statement = connection.createStatement();
                PreparedStatement read = connection.prepareStatement("SELECT a FROM t WHERE id = ?");
                PreparedStatement write = connection.prepareStatement("UPDATE t SET a = 1 WHERE id = ?")) {
            statement.executeQuery("SELECT 1").close();
            assertThat(ourFrames()).as("Statement.executeQuery").hasSizeLessThanOrEqualTo(MOST_FRAMES);
            statement.executeUpdate("INSERT INTO t VALUES (1)");
            assertThat(ourFrames()).as("Statement.executeUpdate").hasSizeLessThanOrEqualTo(MOST_FRAMES);
            read.setInt(1, 1);
            read.executeQuery().close();
            assertThat(ourFrames())
                    .as("PreparedStatement.executeQuery")
                    .hasSizeLessThanOrEqualTo(MOST_FRAMES)
                    .contains("StatementPath.run");
            write.setInt(1, 1);
            write.executeUpdate();
            assertThat(ourFrames()).as("PreparedStatement.executeUpdate").hasSizeLessThanOrEqualTo(MOST_FRAMES);
        }
    }
}
