package io.replicatedjdbc.benchmarks.load;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The call tree below one method in a JFR recording's execution samples: where the time under it goes, by callee and
 * line. Used to find where the driver's per-statement CPU goes on the real path (with PgJDBC and a server), which an
 * in-process benchmark does not show.
 *
 * <p>Arguments: {@code recording.jfr Class.method [depth] [minimum samples]}. Record with, for example:
 * {@code java -XX:StartFlightRecording=filename=overhead.jfr,settings=profile -cp benchmarks/target/benchmarks.jar
 * io.replicatedjdbc.benchmarks.load.Builds driver.jar driver.jar}.
 */
public final class Profile {

    private Profile() {}

    private static final class Node {
        int samples;
        final Map<String, Node> callees = new HashMap<>();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("expected recording.jfr Class.method [depth] [minimum samples]");
        }
        String root = args[1];
        int depth = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        int minimum = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Node top = new Node();
        int all = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            all++;
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            int at = -1;
            for (int i = frames.size() - 1; i >= 0; i--) {
                if (name(frames.get(i)).equals(root)) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                continue;
            }
            Node node = top;
            node.samples++;
            for (int i = at; i >= 0 && at - i < depth; i--) {
                RecordedFrame frame = frames.get(i);
                node = node.callees.computeIfAbsent(name(frame) + ":" + frame.getLineNumber(), key -> new Node());
                node.samples++;
            }
        }
        System.out.println(top.samples + " of " + all + " execution samples are under " + root);
        print(top, "", minimum);
    }

    /** {@code SimpleClassName.method}, as the argument names the root. */
    private static String name(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "."
                + frame.getMethod().getName();
    }

    private static void print(Node node, String indent, int minimum) {
        node.callees.entrySet().stream()
                .filter(entry -> entry.getValue().samples >= minimum)
                .sorted((a, b) -> b.getValue().samples - a.getValue().samples)
                .forEach(entry -> {
                    System.out.println(indent + entry.getValue().samples + "  " + entry.getKey());
                    print(entry.getValue(), indent + "  ", minimum);
                });
    }
}
