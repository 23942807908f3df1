package io.replicatedjdbc.examples.springboot;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The service over HTTP: a user's request writes, and the next one (on any instance) reads. */
@RestController
public class ShopController {

    private final ShopService shop;

    public ShopController(ShopService shop) {
        this.shop = shop;
    }

    @GetMapping("/stock/{name}")
    public ShopService.Stock stock(@PathVariable String name) {
        return shop.stockOf(name);
    }

    @PostMapping("/stock/{name}")
    public ShopService.Seen restock(@PathVariable String name, @RequestParam int stock) {
        return shop.restock(name, stock);
    }
}
