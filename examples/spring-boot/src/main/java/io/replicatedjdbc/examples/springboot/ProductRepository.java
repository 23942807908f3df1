package io.replicatedjdbc.examples.springboot;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface ProductRepository extends JpaRepository<Product, Long> {

    List<Product> findByNameStartingWith(String prefix);

    /** Which server answers, and whether it is a standby: a way for the example to show where it reads. */
    @Query(
            value = "SELECT inet_server_port() || ':' || pg_is_in_recovery() || ':' || pg_backend_pid()",
            nativeQuery = true)
    String servedBy();
}
