"""ClusterXchange exchanges: a feature of scheduling with its own four layers inside."""
