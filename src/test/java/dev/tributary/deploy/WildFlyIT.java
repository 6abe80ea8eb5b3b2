package dev.tributary.deploy;

import dev.tributary.testing.Environment;

/** The built WAR on WildFly 39 (it ships RESTEasy and its own Jackson). */
class WildFlyIT extends ConformanceSuite {

  @Override
  protected AppServer startServer(Environment env) throws Exception {
    return WildFlyServer.start("wildfly", env);
  }
}
