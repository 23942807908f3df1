package io.replicatedjdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The driver's version, written into the jar by the build. */
public final class Version {

    private static final String TEXT = load();

    private Version() {}

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "0.0.0";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "0.0.0");
        } catch (IOException e) {
            return "0.0.0";
        }
    }

    /** For example {@code 0.1.0-SNAPSHOT}. */
    public static String text() {
        return TEXT;
    }

    public static int major() {
        return part(0);
    }

    public static int minor() {
        return part(1);
    }

    private static int part(int index) {
        String[] parts = TEXT.split("[.-]");
        try {
            return parts.length > index ? Integer.parseInt(parts[index]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
