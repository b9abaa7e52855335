/* A libSDL2_image-2.0.so.0 that loads but has no IMG_Load_RW: what paizi
   finds on a board whose SDL2_image is the wrong library (test_pictures.cpp
   puts it first on LD_LIBRARY_PATH). */
int paizi_not_sdl2_image = 1;
