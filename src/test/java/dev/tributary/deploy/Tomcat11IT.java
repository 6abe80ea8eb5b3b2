package dev.tributary.deploy;

import dev.tributary.testing.Environment;

/** Tomcat 11 (Jakarta EE 11): the same WAR, unchanged. */
class Tomcat11IT extends TomcatIT {

  @Override
  protected AppServer startServer(Environment env) throws Exception {
    return TomcatServer.start("tomcat-11", "tomcat11.home", env);
  }
}
