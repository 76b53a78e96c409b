package vn.motcua.searchnode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single OpenSearch node in this JVM, for tests, benchmarks and local development.
 *
 * <p>Usage: {@code SearchNode HOME URL_FILE [PARENT_PID]}. The node keeps its data and
 * logs under HOME, listens on free loopback ports (HTTP through the netty4 transport,
 * with the analysis-common and painless modules loaded from the classpath, as
 * OpenSearch's own test framework does), and writes its URL to URL_FILE once it
 * answers. It stops cleanly on SIGTERM/SIGINT, and by itself when PARENT_PID (the
 * process that asked for it, e.g. a test session) is gone.
 */
public final class SearchNode {
    private static final List<Class<? extends Plugin>> MODULES =
            List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, PainlessPlugin.class);

    /** Node's plugin-taking constructor is protected; this opens it. */
    private static final class ClasspathNode extends Node {
        ClasspathNode(Settings settings) {
            super(
                    InternalSettingsPreparer.prepareEnvironment(
                            settings, Collections.emptyMap(), null, () -> "search-node"),
                    MODULES,
                    true);
        }
    }

    private SearchNode() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SearchNode HOME URL_FILE [PARENT_PID]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path urlFile = Path.of(args[1]).toAbsolutePath();
        long parent = args.length > 2 ? Long.parseLong(args[2]) : 0L;
        Files.createDirectories(home.resolve("config"));
        Settings settings =
                Settings.builder()
                        .put("path.home", home.toString())
                        .put("path.data", home.resolve("data").toString())
                        .put("path.logs", home.resolve("logs").toString())
                        .put("cluster.name", "motcua-search-node")
                        .put("node.name", "search-node")
                        .put("discovery.type", "single-node")
                        .put("network.host", "127.0.0.1")
                        // Port 0: the kernel picks a free port; the bound one is reported.
                        .put("http.port", "0")
                        .put("transport.port", "0")
                        // A test machine's disk may be fuller than a server's; do not
                        // turn indexes read-only because of it.
                        .put("cluster.routing.allocation.disk.threshold_enabled", false)
                        .put("action.auto_create_index", false)
                        .put("indices.query.bool.max_clause_count", 4096)
                        .build();
        LogConfigurator.configureWithoutConfig(settings);
        Node node = new ClasspathNode(settings);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        node.close();
                                        node.awaitClose(30, TimeUnit.SECONDS);
                                    } catch (IOException | InterruptedException e) {
                                        e.printStackTrace();
                                    }
                                },
                                "search-node-shutdown"));
        node.start();
        TransportAddress address =
                node.injector()
                        .getInstance(HttpServerTransport.class)
                        .boundAddress()
                        .publishAddress();
        String url = "http://127.0.0.1:" + address.getPort();
        Path tmp = urlFile.resolveSibling(urlFile.getFileName() + ".tmp");
        Files.writeString(tmp, url + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, urlFile, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("search-node listening on " + url);
        while (true) {
            Thread.sleep(2000);
            if (parent > 0 && ProcessHandle.of(parent).map(p -> !p.isAlive()).orElse(true)) {
                System.out.println("search-node: parent " + parent + " is gone, stopping");
                System.exit(0);
            }
        }
    }
}
