package io.replicatedjdbc.examples.tools;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;

/**
 * Hibernate ORM (JPA) on a HikariCP pool over the replicated driver: schema generation, persist, find, JPQL and
 * native queries. Nothing in the mapping or the configuration mentions replicas; the dialect is detected from
 * the connection as usual.
 *
 * <p>Run: {@code HibernateExample jdbc:replicated:postgresql://primary,replica1,replica2/db?user=...}
 */
public final class HibernateExample {

    /** A mapped entity: a book with a sequence-generated id. */
    @Entity(name = "Book")
    public static class Book {
        @Id
        @GeneratedValue
        public Long id;

        public String title;

        public Book() {}

        public Book(String title) {
            this.title = title;
        }
    }

    private HibernateExample() {}

    public static void main(String[] args) {
        try (HikariDataSource dataSource = HikariSpringExample.dataSource(args[0]);
                SessionFactory factory = sessionFactory(dataSource)) {
            EntityManager em = factory.createEntityManager();
            em.getTransaction().begin();
            Book book = new Book("Replication in practice");
            em.persist(book);
            em.getTransaction().commit();
            em.close();
            EntityManager other = factory.createEntityManager();
            System.out.println("found " + other.find(Book.class, book.id).title + "; books: "
                    + other.createQuery("select count(b) from Book b", Long.class)
                            .getSingleResult());
            other.close();
        }
    }

    public static SessionFactory sessionFactory(HikariDataSource dataSource) {
        Configuration configuration = new Configuration().addAnnotatedClass(Book.class);
        configuration.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource);
        configuration.setProperty(AvailableSettings.HBM2DDL_AUTO, "create-drop");
        configuration.setProperty(AvailableSettings.SHOW_SQL, "false");
        return configuration.buildSessionFactory();
    }
}
