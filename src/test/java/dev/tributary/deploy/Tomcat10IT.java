package dev.tributary.deploy;

import dev.tributary.testing.Environment;

/** Tomcat 10.1 (Jakarta EE 10). */
class Tomcat10IT extends TomcatIT {

  @Override
  protected AppServer startServer(Environment env) throws Exception {
    return TomcatServer.start("tomcat-10", "tomcat10.home", env);
  }
}
