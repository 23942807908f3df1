package io.replicatedjdbc.examples.springboot;

import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class ShopService {

    /** What a service call saw, and the server (port:standby:pid) that answered its statements. */
    public record Seen(List<String> names, List<String> servers) {}

    private final ProductRepository products;

    public ShopService(ProductRepository products) {
        this.products = products;
    }

    /** A read-only transaction: Spring marks the connection read-only, so the whole transaction runs on a replica. */
    @Transactional(readOnly = true)
    public Seen catalogue(String prefix) {
        String before = products.servedBy();
        List<String> names = products.findByNameStartingWith(prefix).stream()
                .map(Product::getName)
                .sorted()
                .toList();
        String after = products.servedBy();
        return new Seen(names, List.of(before, after));
    }

    /** A product's stock, and the server (port:standby:pid) that answered: a read-only transaction, on a replica. */
    public record Stock(int stock, String server) {}

    @Transactional(readOnly = true)
    public Stock stockOf(String name) {
        int stock = products.findByNameStartingWith(name).stream()
                .filter(product -> product.getName().equals(name))
                .mapToInt(Product::getStock)
                .findFirst()
                .orElse(-1);
        return new Stock(stock, products.servedBy());
    }

    /** A read-write transaction: it runs on the primary. */
    @Transactional
    public Seen restock(String name, int stock) {
        Product product =
                products.findByNameStartingWith(name).stream().findFirst().orElseGet(() -> new Product(name, 0));
        product.setStock(stock);
        products.save(product);
        products.flush();
        return new Seen(List.of(product.getName()), List.of(products.servedBy()));
    }
}
