package io.replicatedjdbc.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.replicatedjdbc.ReplicatedDriver;
import io.replicatedjdbc.testing.PostgresCluster;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.sqlite.JDBC;

/**
 * The driver as a new user gets it: the one packaged jar, beside sqlite-jdbc, on a fresh JVM's class path,
 * reached only through DriverManager and the {@code jdbc:replicated:} URL.
 */
class PackagedJarTest {

    /** The packaged driver jar: what the reactor build put on this module's class path. */
    static Path driverJar() throws URISyntaxException {
        Path location = Paths.get(ReplicatedDriver.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        assertThat(location.toString())
                .as("tests of the examples module must run against the packaged jar (run mvn verify, not only test)")
                .endsWith(".jar");
        return location;
    }

    static Path jarOf(Class<?> type) throws URISyntaxException {
        return Paths.get(
                type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void jar_isSelfContained_withJSqlParserRelocated_andRegistersTheDriver() throws Exception {
        try (JarFile jar = new JarFile(driverJar().toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry entry : Collections.list(jar.entries())) {
                names.add(entry.getName());
            }
            assertThat(names).noneMatch(name -> name.startsWith("net/sf/jsqlparser/"));
            assertThat(names).anyMatch(name -> name.startsWith("io/replicatedjdbc/internal/shaded/jsqlparser/parser/"));
            ZipEntry services = jar.getEntry("META-INF/services/java.sql.Driver");
            assertThat(new String(jar.getInputStream(services).readAllBytes(), StandardCharsets.UTF_8).trim())
                    .isEqualTo("io.replicatedjdbc.ReplicatedDriver");
            Manifest manifest = jar.getManifest();
            assertThat(manifest.getMainAttributes().getValue("Automatic-Module-Name"))
                    .isEqualTo("io.replicatedjdbc");
            assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo("io.replicatedjdbc.Cli");
        }
    }

    /** The repository's root: the examples module's tests run in its directory. */
    private static Path projectRoot() {
        Path root = Paths.get("").toAbsolutePath().getParent();
        assertThat(root.resolve("driver/pom.xml")).exists();
        return root;
    }

    private static String tag(String xml, String name) {
        Matcher m =
                Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    /** The part of a POM outside its parent, dependencies and build sections: the project's own metadata. */
    private static String ownMetadata(String pom) {
        return pom.replaceAll("(?s)<parent>.*?</parent>", "")
                .replaceAll("(?s)<dependencies>.*?</dependencies>", "")
                .replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "")
                .replaceAll("(?s)<build>.*?</build>", "")
                .replaceAll("(?s)<properties>.*?</properties>", "")
                .replaceAll("(?s)<modules>.*?</modules>", "");
    }

    @Test
    void releaseArtifacts_carryWhatAPublicRepositoryRequires_andTheReadmeSnippetsMatchThePom() throws Exception {
        Path root = projectRoot();
        String parent = ownMetadata(Files.readString(root.resolve("pom.xml")));
        String driver = ownMetadata(Files.readString(root.resolve("driver/pom.xml")));
        // What the driver's published POM carries, itself or through its published parent.
        assertThat(tag(driver, "artifactId")).isEqualTo("replicated-jdbc");
        assertThat(tag(driver, "name")).isNotBlank();
        assertThat(tag(driver, "description")).isNotBlank();
        assertThat(tag(parent, "url")).startsWith("https://");
        assertThat(parent).contains("<licenses>").contains("<developers>").contains("<scm>");
        assertThat(tag(parent, "connection")).startsWith("scm:git:");
        String groupId = tag(parent, "groupId");
        String version = tag(parent, "version");

        // The jar describes itself with the same coordinates.
        try (JarFile jar = new JarFile(driverJar().toFile())) {
            Properties coordinates = new Properties();
            coordinates.load(jar.getInputStream(
                    jar.getEntry("META-INF/maven/io.replicatedjdbc/replicated-jdbc/pom.properties")));
            assertThat(coordinates.getProperty("groupId")).isEqualTo(groupId);
            assertThat(coordinates.getProperty("version")).isEqualTo(version);
        }
        // Sources and javadoc (of the public API) beside it.
        Path target = driverJar().getParent();
        Path sources = target.resolve("replicated-jdbc-" + version + "-sources.jar");
        Path javadoc = target.resolve("replicated-jdbc-" + version + "-javadoc.jar");
        try (JarFile jar = new JarFile(sources.toFile())) {
            assertThat(jar.getEntry("io/replicatedjdbc/ReplicatedDriver.java")).isNotNull();
        }
        try (JarFile jar = new JarFile(javadoc.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry entry : Collections.list(jar.entries())) {
                names.add(entry.getName());
            }
            assertThat(names).anyMatch(name -> name.endsWith("io/replicatedjdbc/ReplicatedDriver.html"));
            assertThat(names).anyMatch(name -> name.endsWith("io/replicatedjdbc/ReplicatedDataSource.html"));
            assertThat(names).noneMatch(name -> name.contains("io/replicatedjdbc/internal/"));
        }
        assertThat(root.resolve("CHANGELOG.md")).exists();

        // Every Maven and Gradle snippet of the README names this project's coordinates as the POMs have them.
        String readme = Files.readString(root.resolve("README.md"));
        Matcher maven = Pattern.compile(
                        "<groupId>(io\\.replicatedjdbc)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(readme);
        List<String> artifacts = new ArrayList<>();
        while (maven.find()) {
            artifacts.add(maven.group(2));
            assertThat(maven.group(3))
                    .as("version of %s in the README", maven.group(2))
                    .isEqualTo(version);
        }
        assertThat(artifacts).contains("replicated-jdbc", "replicated-jdbc-flyway");
        for (String artifact : artifacts) {
            String module =
                    artifact.equals("replicated-jdbc") ? "driver" : artifact.substring("replicated-jdbc-".length());
            assertThat(tag(ownMetadata(Files.readString(root.resolve(module).resolve("pom.xml"))), "artifactId"))
                    .isEqualTo(artifact);
        }
        Matcher gradle =
                Pattern.compile("\"(io\\.replicatedjdbc):([^:\"]+):([^\"]+)\"").matcher(readme);
        int gradleSnippets = 0;
        while (gradle.find()) {
            gradleSnippets++;
            assertThat(gradle.group(2)).isIn(artifacts);
            assertThat(gradle.group(3)).isEqualTo(version);
        }
        assertThat(gradleSnippets).isPositive();
    }

    @Test
    void javaJar_printsVersionAndHelp() throws Exception {
        Result version = java(List.of("-jar", driverJar().toString(), "--version"));
        assertThat(version.exitCode).isZero();
        assertThat(version.output).startsWith("replicated-jdbc ").doesNotContain("0.0.0");

        Result help = java(List.of("-jar", driverJar().toString(), "--help"));
        assertThat(help.exitCode).isZero();
        assertThat(help.output)
                .contains("jdbc:replicated:", "loadBalance", "readYourWrites", "io.replicatedjdbc.ReplicatedDriver");

        Result unknown = java(List.of("-jar", driverJar().toString(), "frobnicate"));
        assertThat(unknown.exitCode).isEqualTo(2);
        assertThat(unknown.output).contains("unknown command 'frobnicate'");
    }

    @Test
    void javaJarExplain_readsStatementsFromStandardInput() throws Exception {
        Path input = Files.createTempFile("replicated-jdbc-explain", ".sql");
        try {
            Files.writeString(input, "SELECT nextval('orders_id_seq')\nSELECT * FROM orders\n");
            List<String> command = new ArrayList<>(List.of(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    driverJar().toString(),
                    "explain"));
            Process process = new ProcessBuilder(command)
                    .redirectInput(input.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            assertThat(output.lines()).containsExactly("PRIMARY\tcalls nextval()", "REPLICA\tSELECT");
        } finally {
            Files.deleteIfExists(input);
        }
    }

    @Test
    void javaJarStatus_asTheReadmeShowsIt_asksEveryNodeOfARealCluster() throws Exception {
        String readme = Files.readString(projectRoot().resolve("README.md"));
        int marker = readme.indexOf("<!-- status-command");
        assertThat(marker).as("the README's status command").isPositive();
        String block = readme.substring(
                readme.indexOf("```bash", marker) + 7, readme.indexOf("```", readme.indexOf("```bash", marker) + 7));
        String shown = block.lines()
                .filter(line -> !line.trim().startsWith("#"))
                .map(String::trim)
                .map(line -> line.endsWith("\\")
                        ? line.substring(0, line.length() - 1).trim()
                        : line)
                .reduce((a, b) -> a + " " + b)
                .orElseThrow()
                .trim();
        assertThat(shown).startsWith("java -jar replicated-jdbc-0.1.0-SNAPSHOT.jar --driver postgresql.jar status '");
        try (PostgresCluster cluster = PostgresCluster.start(1)) {
            Result status = java(List.of(
                    "-jar",
                    driverJar().toString(),
                    "--driver",
                    jarOf(Driver.class).toString(),
                    "status",
                    cluster.replicatedUrl()));
            assertThat(status.exitCode).as(status.output).isZero();
            assertThat(status.output)
                    .contains("primary (127.0.0.1:" + cluster.port(0) + ")\tyes\tprimary\t")
                    .contains("takes writes; timeline 1")
                    .contains("replica1 (127.0.0.1:" + cluster.port(1) + ")\tyes\tstandby\t")
                    .contains("takes reads");
        }
        Result missing = java(List.of("-jar", driverJar().toString(), "--driver", "no-such.jar", "status", "x"));
        assertThat(missing.exitCode).isEqualTo(2);
        assertThat(missing.output).contains("--driver no-such.jar: no such file");
    }

    @Test
    void demo_runsWithOnlyTheJarAndTheSqliteDriver_andReportsRouting() throws Exception {
        String classPath = String.join(
                File.pathSeparator,
                driverJar().toString(),
                jarOf(JDBC.class).toString(),
                jarOf(SqliteDemo.class).toString());
        Result demo = java(List.of("-cp", classPath, SqliteDemo.class.getName()));

        assertThat(demo.exitCode).as(demo.output).isZero();
        assertThat(demo.output)
                .contains("answered by replica1", "answered by replica2", "answered by primary: 3")
                .contains("why: read-your-writes: last write")
                .contains("why: inside a read-only transaction")
                .contains("Routing report", "primary    10 statements");
        assertThat(demo.output
                        .lines()
                        .filter(line -> line.startsWith("  REPLICA"))
                        .count())
                .isEqualTo(7);
    }

    static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    static Result java(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        Path output = Files.createTempFile("replicated-jdbc-run", ".txt");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
